package dev.hubsim.conformance.clientkit;

import dev.hubsim.client.Amqp;
import dev.hubsim.client.adapter.AdapterServer;
import dev.hubsim.conformance.client.AdapterChannel;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.function.Function;

/** An adapter in this JVM: the reference client's AdapterServer over pipes, with any agent factory (broken variants). */
final class InJvmAdapter {
    private InJvmAdapter() {
    }

    static AdapterChannel start(String name, Function<SSLContext, Amqp> factory) throws IOException {
        PipedOutputStream kitOut = new PipedOutputStream();
        PipedInputStream adapterIn = new PipedInputStream(kitOut, 1 << 16);
        PipedOutputStream adapterOut = new PipedOutputStream();
        PipedInputStream kitIn = new PipedInputStream(adapterOut, 1 << 16);
        Thread server = new Thread(() -> {
            try {
                new AdapterServer(name, factory, adapterOut).serve(adapterIn);
                adapterOut.close();
            } catch (IOException e) {
                System.err.println("in-JVM adapter " + name + ": " + e);
            }
        }, "adapter-" + name);
        server.setDaemon(true);
        server.start();
        return new AdapterChannel(kitIn, kitOut, () -> { });
    }
}
