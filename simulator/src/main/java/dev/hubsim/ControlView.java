package dev.hubsim;

import dev.hubsim.amqp.link.HubContext;
import dev.hubsim.c2d.CloudToDevice;
import dev.hubsim.connections.ConnectionInfo;
import dev.hubsim.eventhub.StoredEvent;
import dev.hubsim.faults.HubFaults;
import dev.hubsim.https.ControlTarget;
import dev.hubsim.throttling.ThrottlingView;
import dev.hubsim.trace.TraceView;

import java.util.List;
import java.util.Map;

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
}
