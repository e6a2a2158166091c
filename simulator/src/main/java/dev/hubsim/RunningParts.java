package dev.hubsim;

import dev.hubsim.amqp.HubBroker;
import dev.hubsim.amqp.link.HubContext;
import dev.hubsim.faults.HubFaults;
import dev.hubsim.https.HttpsFace;
import dev.hubsim.registry.Hub;
import dev.hubsim.tls.TlsMaterial;

import java.time.Clock;
import java.time.Duration;

/** What the composition root hands the facade: the running core and faces, and how to reset and stop them. */
record RunningParts(Hub hub, TlsMaterial tls, HubBroker broker, HubBroker.OtherProtocol mqtt, HubContext context, HubFaults faults, HttpsFace https,
                    int httpsPort, Clock clock, String bindHost, Duration startupTime) {

    /** {@link HubSimulator#reset()}: state a test leaves behind, not devices, keys or live connections. */
    void reset() {
        faults.clear();
        context.twins().reset();
        context.methods().reset();
        context.throttling().reset();
        context.c2d().reset();
        context.eventHub().store().clear();
        context.traces().clear();
    }

    void close() {
        https.close();
        broker.close();
        context.c2d().close();
        context.scheduler().shutdownNow();
    }
}
