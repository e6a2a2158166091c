package dev.hubsim.amqp.link;

import dev.hubsim.throttling.Operation;

import dev.hubsim.limits.LinkKind;
import dev.hubsim.twin.TwinKey;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /devices/{id}[/modules/{mid}]/twin} (reference/iothub-twin-methods-mqtt.md §1.1): the client's sender carries
 * twin requests ({@link TwinRequests}), its receiver gets the responses and desired-property pushes. The two links of
 * one channel share {@code com.microsoft:channel-correlation-id}; a twin link without it is refused.
 */
final class TwinLinks implements AttachHandler<HubPath.Twin> {
    static final Symbol CHANNEL_CORRELATION_ID = Symbol.valueOf("com.microsoft:channel-correlation-id");
    private static final Logger LOG = LoggerFactory.getLogger(TwinLinks.class);

    /** A basic tier has no twins: the twin links are refused (403010). */
    @Override
    public Operation tierOperation() {
        return Operation.TWIN_READ;
    }

    @Override
    public HubPath.Twin match(Attach attach) {
        return HubPath.parse(attach.address(), attach.role()) instanceof HubPath.Twin t ? t : null;
    }

    @Override
    public Access access(HubPath.Twin path) {
        return new Access.Device(path.deviceId(), path.moduleId(), path.resource());
    }

    @Override
    public void open(Attach attach, HubPath.Twin path) {
        Map<Symbol, Object> properties = attach.link().getRemoteProperties();
        Object channelId = properties == null ? null : properties.get(CHANNEL_CORRELATION_ID);
        if (channelId == null) {
            String description = "A twin link needs the link property " + CHANNEL_CORRELATION_ID
                    + " (the same value on the sending and the receiving link of one twin channel).";
            LOG.info("refused twin link '{}' on '{}' from {}: {} {}", attach.link().getName(), attach.address(),
                    attach.host().getRemoteAddress(), AmqpErrors.INVALID_FIELD, description);
            attach.refuse(AmqpErrors.INVALID_FIELD, description, null);
            return;
        }
        TwinKey key = new TwinKey(path.deviceId(), path.moduleId());
        String channelKey = "twin|" + key.deviceId() + "|" + key.moduleId() + "|" + channelId;
        LinkHost host = attach.host();
        TwinChannel channel = host.links().shared(channelKey, () -> new TwinChannel(host, key, channelKey));
        attach.link().setSource(attach.link().getRemoteSource());
        attach.link().setTarget(attach.link().getRemoteTarget());
        attach.link().setProperties(Map.of(CHANNEL_CORRELATION_ID, channelId));
        if (attach.link() instanceof Receiver receiver) {
            TwinRequests handler = new TwinRequests(host, receiver, channel);
            attach.adopt(handler);
            receiver.setContext(handler);
            receiver.open();
            host.links().credit(receiver, LinkKind.CBS).start();
        } else {
            Sender sender = (Sender) attach.link();
            sender.setSenderSettleMode(sender.getRemoteSenderSettleMode());
            TwinChannel.Replies replies = channel.attachReplies(sender);
            sender.setContext(replies);
            attach.adopt(replies);
            sender.open();
        }
        host.flush();
    }
}
