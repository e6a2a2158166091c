package dev.hubsim;

import org.apache.activemq.artemis.core.server.ActiveMQServer;

/**
 * The bench's one look inside a running simulator: its Artemis server, to set the AMQP max frame size (the simulator
 * has no option for it). Lives in the simulator's package because {@code HubSimulator.broker()} is package-private.
 */
public final class BenchAccess {
    private BenchAccess() {
    }

    public static ActiveMQServer server(HubSimulator simulator) {
        return simulator.broker().server();
    }
}
