package dev.hubsim;

import dev.hubsim.amqp.link.HubContext;
import dev.hubsim.c2d.CloudToDevice;
import dev.hubsim.c2d.FeedbackRecord;
import dev.hubsim.connections.ConnectionInfo;
import dev.hubsim.eventhub.StoredEvent;
import dev.hubsim.faults.HubFaults;
import dev.hubsim.https.ControlTarget;
import dev.hubsim.throttling.ThrottlingView;
import dev.hubsim.trace.TraceRecord;
import dev.hubsim.trace.TraceView;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** The control API's view of a running simulator: what it may see and do, and no more. */
final class ControlView implements ControlTarget {
    private final HubSimulator simulator;
    private final HubContext context;

    ControlView(HubSimulator simulator, HubContext context) {
        this.simulator = simulator;
        this.context = context;
    }

    @Override
    public Map<String, Integer> ports() {
        return simulator.info().ports();
    }

    @Override
    public List<ConnectionInfo> connections() {
        return simulator.connections();
    }

    @Override
    public List<StoredEvent> events(String deviceId) {
        return context.eventHub().store().events(deviceId);
    }

    @Override
    public TraceView traces() {
        return context.traces();
    }

    @Override
    public CloudToDevice cloudToDevice() {
        return context.c2d();
    }

    @Override
    public HubFaults faults() {
        return simulator.hubFaults();
    }

    @Override
    public ThrottlingView throttling() {
        return simulator.throttling();
    }

    @Override
    public void reset() {
        simulator.reset();
    }

    @Override
    public void onTrace(Consumer<TraceRecord> listener, java.util.function.BooleanSupplier wanted) {
        context.traces().addListener(listener, wanted);
    }

    @Override
    public void onConnectionsChanged(Runnable listener) {
        context.connections().onChange(listener);
    }

    @Override
    public void onRegistryChanged(Runnable listener) {
        simulator.hub().registry().onDeviceChanged(d -> listener.run());
        simulator.hub().registry().onDeviceRemoved(id -> listener.run());
    }

    @Override
    public void onTelemetry(Consumer<StoredEvent> listener) {
        context.eventHub().store().onAppend(listener);
    }

    @Override
    public void onTwinChanged(Consumer<String> listener) {
        context.twins().onChange(k -> listener.accept(k.moduleId() == null ? k.deviceId() : k.deviceId() + "/" + k.moduleId()));
    }

    @Override
    public void onFeedback(Consumer<List<FeedbackRecord>> listener) {
        context.c2d().feedback().onBatch(listener);
    }
}
