package dev.hubsim.https;

import dev.hubsim.c2d.CloudToDevice;
import dev.hubsim.connections.ConnectionInfo;
import dev.hubsim.console.HubEvents;
import dev.hubsim.eventhub.StoredEvent;
import dev.hubsim.faults.HubFaults;
import dev.hubsim.throttling.ThrottlingView;
import dev.hubsim.trace.TraceView;

import java.util.List;
import java.util.Map;

/** What the control API may see and do of a running simulator; the facade implements it once everything started. */
public interface ControlTarget extends HubEvents {
    /** The listening ports by name ({@code amqps}, {@code amqp}, {@code websocket}, {@code https}). */
    Map<String, Integer> ports();

    List<ConnectionInfo> connections();

    /** Stored telemetry of one device, oldest first. */
    List<StoredEvent> events(String deviceId);

    TraceView traces();

    CloudToDevice cloudToDevice();

    HubFaults faults();

    /** The tier, its rates and quota, and the throttled operations per device and kind. */
    ThrottlingView throttling();

    /** Faults, C2D queues, feedback, stored telemetry and closed connections' traces forgotten. */
    void reset();
}
