package dev.hubsim.mqtt;

import dev.hubsim.auth.TokenValidator;
import dev.hubsim.c2d.CloudToDevice;
import dev.hubsim.connections.Connections;
import dev.hubsim.faults.Deviation;
import dev.hubsim.faults.FaultPlan;
import dev.hubsim.limits.Limits;
import dev.hubsim.methods.DirectMethods;
import dev.hubsim.registry.Hub;
import dev.hubsim.telemetry.TelemetryIngest;
import dev.hubsim.throttling.Throttling;
import dev.hubsim.twin.Twins;
import dev.hubsim.trace.Traces;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The hub core as the MQTT face sees it (the same services the AMQP face uses, never the AMQP face itself), plus the
 * face's own table of connected clients: a second CONNECT with the same client id drops the first (reference
 * iothub-twin-methods-mqtt.md §4.3). One per simulator.
 *
 * @param maxTokenLifetime a connection's claim lasts at most this long (null: the token's own expiry)
 * @param openTimeout      how long a socket may take from its first bytes to a CONNECT
 */
public record MqttFace(Hub hub, TokenValidator tokens, CloudToDevice c2d, TelemetryIngest telemetry, Twins twins, DirectMethods methods, Throttling throttling,
                       Limits limits, Traces traces,
                       FaultPlan faults, Connections connections, ScheduledExecutorService scheduler, Clock clock,
                       Duration maxTokenLifetime, Duration openTimeout, Set<Deviation> deviations, Map<String, DeviceSession> sessions) {

    /** Whether a kit's self-test asked the face to depart from the documents this way. */
    boolean deviates(Deviation deviation) {
        return deviations.contains(deviation);
    }

    public static MqttFace create(Hub hub, TokenValidator tokens, CloudToDevice c2d, TelemetryIngest telemetry, Twins twins, DirectMethods methods,
                                  Throttling throttling, Limits limits, Traces traces,
                                  FaultPlan faults, Connections connections, ScheduledExecutorService scheduler, Clock clock,
                                  Duration maxTokenLifetime, Duration openTimeout, Set<Deviation> deviations) {
        return new MqttFace(hub, tokens, c2d, telemetry, twins, methods, throttling, limits, traces, faults, connections, scheduler, clock, maxTokenLifetime,
                openTimeout, Set.copyOf(deviations), new ConcurrentHashMap<>());
    }
}
