package dev.hubsim.conformance.embedded;

import dev.hubsim.HubSimulator;
import dev.hubsim.conformance.client.HubSide;
import dev.hubsim.RecordedTelemetry;
import dev.hubsim.faults.Scope;
import dev.hubsim.limits.CreditPolicy;
import dev.hubsim.limits.LimitProfile;
import dev.hubsim.limits.LinkKind;
import dev.hubsim.trace.ConnectionTrace;
import dev.hubsim.trace.TraceRecord;
import org.apache.qpid.proton.message.Message;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The client kit's hub: an embedded simulator with the imp limit profile, through its public API only. This package is
 * the only one of the kit that imports the simulator (KitStructureTest): verdicts are decided from the trace frames,
 * stored telemetry and adapter reports it hands over as plain values. Telemetry links start with no credit: the
 * scenarios grant it, so queued transfers and credit can be observed; $cbs keeps the imp bucket (40, +2/s).
 */
public final class ImpHub implements HubSide, AutoCloseable {
    private final HubSimulator hub;

    /** The port the Azure IoT SDKs insist on. */
    public static final int SDK_PORT = HubSimulator.SDK_AMQPS_PORT;

    public ImpHub() throws Exception {
        this(0);
    }

    /** On {@code amqpsPort} (0: a free one; 5671 for SDKs that insist on it). */
    public ImpHub(int amqpsPort) throws Exception {
        this(amqpsPort, LimitProfile.imp().withCredit(LinkKind.TELEMETRY, CreditPolicy.manual(0)));
    }

    private ImpHub(int amqpsPort, LimitProfile profile) throws Exception {
        hub = HubSimulator.builder().dataDir(Files.createTempDirectory("hubsim-client-kit")).amqpsPort(amqpsPort).amqpPort(0).httpsPort(0).mqttsPort(0)
                .limits(profile).start();
    }

    @Override
    public String hubName() {
        return hub.info().hubName();
    }

    @Override
    public String hostName() {
        return hub.info().hostName();
    }

    @Override
    public String amqpsUrl() {
        return "amqps://127.0.0.1:" + hub.amqpsPort();
    }

    @Override
    public String caPem() {
        try {
            return Files.readString(java.nio.file.Path.of(hub.info().caCertificatePem()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public String deviceToken(String deviceId) {
        return hub.deviceToken(deviceId, Duration.ofHours(1));
    }

    @Override
    public String deviceConnectionString(String deviceId) {
        return hub.deviceConnectionString(deviceId);
    }

    @Override
    public long mark() {
        return hub.traces().connections().stream().flatMap(c -> c.records().stream()).mapToLong(TraceRecord::sequence).max().orElse(0) + 1;
    }

    @Override
    public List<WireFrame> framesSince(long mark) {
        List<WireFrame> out = new ArrayList<>();
        for (ConnectionTrace c : hub.traces().connections()) {
            for (TraceRecord r : c.records()) {
                if (r.sequence() >= mark) {
                    out.add(new WireFrame(r.sequence(), r.time(), r.connectionId(), r.direction().name(), r.type().name(), r.channel(), r.path(),
                            new LinkedHashMap<>(r.fields())));
                }
            }
        }
        out.sort(Comparator.comparingLong(WireFrame::sequence));
        return out;
    }

    @Override
    public List<Message> telemetry(String deviceId) {
        return hub.telemetry(deviceId).stream().map(RecordedTelemetry::message).toList();
    }

    @Override
    public void grantCredit(String connectionId, String path, int credit) {
        hub.faults().grantCredit(Scope.connection(connectionId).andPath(path), credit);
    }

    @Override
    public void sendCloudToDevice(String deviceId, String body, String property, Object value) {
        Message m = Message.Factory.create();
        m.setAddress("/devices/" + deviceId + "/messages/devicebound");
        m.setMessageId(java.util.UUID.randomUUID().toString());
        // A data section, as service SDKs send (the device SDK drops a connection on an AMQP value body).
        m.setBody(new org.apache.qpid.proton.amqp.messaging.Data(new org.apache.qpid.proton.amqp.Binary(body.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        m.setApplicationProperties(new org.apache.qpid.proton.amqp.messaging.ApplicationProperties(new java.util.HashMap<>(java.util.Map.of(property, value))));
        hub.cloudToDevice().send(m);
    }

    @Override
    public void holdAnswers(String deviceId, Duration delay) {
        hub.faults().holdAnswers(Scope.device(deviceId), delay);
    }

    @Override
    public void purgeCloudToDevice(String deviceId) {
        hub.cloudToDevice().purge(deviceId);
    }

    @Override
    public void clearFaults() {
        hub.faults().clear();
    }

    @Override
    public boolean connectionOpen(String connectionId) {
        return hub.traces().connection(connectionId).map(ConnectionTrace::isOpen).orElse(false);
    }

    @Override
    public void close() {
        hub.close();
    }
}
