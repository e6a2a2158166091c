package dev.hubsim.amqp.link;

import dev.hubsim.throttling.Operation;

import dev.hubsim.auth.PercentEncoding;
import dev.hubsim.auth.ResourceUri;
import dev.hubsim.methods.MethodTarget;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;

import java.util.List;
import java.util.Map;

/**
 * {@code /devices/{id}[/modules/{mid}]/methods/devicebound} (reference/iothub-twin-methods-mqtt.md §2.1): the device's
 * receiver gets method requests ({@link MethodRequestLink}; attaching it subscribes the device, as Edge Hub does), its
 * sender carries the answers ({@link MethodResponseLink}). Both need the device's (or module's) own claim, or a policy
 * with DeviceConnect. The hub's attach echoes the client's {@code com.microsoft:channel-correlation-id}.
 */
final class MethodsLinks implements AttachHandler<MethodsLinks.Path> {
    static final Symbol CHANNEL_CORRELATION_ID = Symbol.valueOf("com.microsoft:channel-correlation-id");

    /** A parsed methods address. */
    record Path(String address, MethodTarget target) {
        ResourceUri resource() {
            return HubPath.deviceResource(target.deviceId(), target.moduleId());
        }
    }

    /** The address when it is a methods address (any case, with or without {@code amqps://host}), else null. */
    static Path parse(String address) {
        if (address == null) {
            return null;
        }
        List<String> s = AddressSegments.of(address);
        boolean device = s.size() == 4;
        boolean module = s.size() == 6 && s.get(2).equalsIgnoreCase("modules");
        if (!(device || module) || !s.get(0).equalsIgnoreCase("devices") || !s.get(s.size() - 2).equalsIgnoreCase("methods")
                || !s.get(s.size() - 1).equalsIgnoreCase("devicebound")) {
            return null;
        }
        return new Path(address, new MethodTarget(PercentEncoding.decode(s.get(1)), module ? PercentEncoding.decode(s.get(3)) : null));
    }

    /** A basic tier has no direct methods: the device's method links are refused (403010). */
    @Override
    public Operation tierOperation() {
        return Operation.METHOD;
    }

    @Override
    public Path match(Attach attach) {
        return parse(attach.address());
    }

    @Override
    public Access access(Path path) {
        return new Access.Device(path.target().deviceId(), path.target().moduleId(), path.resource());
    }

    @Override
    public void open(Attach attach, Path path) {
        echoChannelCorrelationId(attach.link());
        if (attach.link() instanceof Sender sender) {
            MethodRequestLink link = new MethodRequestLink(attach.host(), sender, attach.hub().methods(), path.target());
            attach.adopt(link);
            link.open();
        } else {
            MethodResponseLink link = new MethodResponseLink(attach.host(), (Receiver) attach.link(), attach.hub().methods(), path.target());
            attach.adopt(link);
            link.open();
        }
    }

    private static void echoChannelCorrelationId(Link link) {
        Map<Symbol, Object> remote = link.getRemoteProperties();
        if (remote != null && remote.containsKey(CHANNEL_CORRELATION_ID)) {
            link.setProperties(Map.of(CHANNEL_CORRELATION_ID, remote.get(CHANNEL_CORRELATION_ID)));
        }
    }
}
