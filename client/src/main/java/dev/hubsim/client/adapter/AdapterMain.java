package dev.hubsim.client.adapter;

import dev.hubsim.client.Amqp;

/**
 * The reference client's adapter executable: protocol v1 on stdin/stdout. Run it with
 * {@code java -cp hubsim-imp-client.jar:proton-j.jar:jackson-*.jar dev.hubsim.client.adapter.AdapterMain}.
 */
public final class AdapterMain {
    private AdapterMain() {
    }

    public static void main(String[] args) throws Exception {
        // stdout carries the protocol only: anything the client prints goes to stderr.
        java.io.PrintStream protocol = System.out;
        System.setOut(System.err);
        new AdapterServer("hubsim reference client (Java, Proton-J)", trust -> new Amqp(trust, null), protocol).serve(System.in);
        System.exit(0);
    }
}
