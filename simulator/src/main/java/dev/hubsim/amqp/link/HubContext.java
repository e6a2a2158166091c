package dev.hubsim.amqp.link;

import dev.hubsim.auth.TokenValidator;
import dev.hubsim.c2d.CloudToDevice;
import dev.hubsim.connections.Connections;
import dev.hubsim.eventhub.EventHubEndpoint;
import dev.hubsim.faults.Deviation;
import dev.hubsim.faults.FaultPlan;
import dev.hubsim.limits.Limits;
import dev.hubsim.methods.DirectMethods;
import dev.hubsim.registry.Hub;
import dev.hubsim.telemetry.TelemetryIngest;
import dev.hubsim.throttling.Throttling;
import dev.hubsim.trace.Traces;
import dev.hubsim.twin.Twins;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The hub core as the AMQP face sees it: identities, the token validators of both endpoints, cloud-to-device
 * messaging, telemetry ingest, the Event Hub-compatible endpoint, limits, throttles, traces, planned faults, the live connections
 * and a scheduler; plus the face's own nodes ({@code $cbs}, {@code $management}) and link policy. One per simulator.
 *
 * @param maxTokenLifetime claims last at most this long after they are granted, whatever the token's {@code se}
 *                         (null: no cap), so tests can watch renewal happen fast
 * @param deviations       departures from the documents a kit's self-test asked for (empty by default)
 * @param openTimeout      how long a connection may take from its protocol header to its AMQP Open
 * @param twins            device and module twins
 * @param methods          direct methods
 */
public record HubContext(Hub hub, TokenValidator tokens, CbsNode cbs, LinkPolicy links, CloudToDevice c2d, TelemetryIngest telemetry,
                         EventHubEndpoint eventHub, ManagementNode management, Limits limits, Throttling throttling, Traces traces, FaultPlan faults,
                         Connections connections, ScheduledExecutorService scheduler, Clock clock, Duration maxTokenLifetime,
                         Set<Deviation> deviations, Duration openTimeout, Twins twins, DirectMethods methods) {

    /** The face's own nodes ({@code $cbs}, {@code $management}) and link policy built on the core's services. */
    public static HubContext create(Hub hub, TokenValidator tokens, TokenValidator eventHubTokens, CloudToDevice c2d, TelemetryIngest telemetry,
                                    EventHubEndpoint eventHub, Limits limits, Throttling throttling, Traces traces, FaultPlan faults, Connections connections,
                                    ScheduledExecutorService scheduler, Clock clock, Duration maxTokenLifetime, Set<Deviation> deviations,
                                    Duration openTimeout, Twins twins, DirectMethods methods) {
        return new HubContext(hub, tokens, new CbsNode(tokens, eventHubTokens), new LinkPolicy(hub), c2d, telemetry, eventHub,
                new ManagementNode(eventHub.settings(), eventHub.store(), eventHubTokens, clock), limits, throttling, traces, faults, connections,
                scheduler, clock, maxTokenLifetime, Set.copyOf(deviations), openTimeout, twins, methods);
    }
}
