package dev.hubsim.conformance.clientkit;

import dev.hubsim.client.Amqp;
import dev.hubsim.client.adapter.AdapterServer;
import dev.hubsim.conformance.client.AdapterChannel;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.util.List;
import java.util.function.Function;

/** An adapter in this JVM: the reference client's AdapterServer over pipes, with any agent factory (broken variants). */
final class InJvmAdapter {
    private InJvmAdapter() {
    }

    static AdapterChannel start(String name, Function<SSLContext, Amqp> factory) throws IOException {
        return start(name, AdapterServer.CAPABILITIES, factory);
    }

    static AdapterChannel start(String name, List<String> capabilities, Function<SSLContext, Amqp> factory) throws IOException {
        // NIO pipes, not Piped*Stream: those fail with "Write end dead" once a thread that wrote (a loop thread) ends.
        Pipe toAdapter = Pipe.open();
        Pipe fromAdapter = Pipe.open();
        InputStream adapterIn = Channels.newInputStream(toAdapter.source());
        OutputStream kitOut = Channels.newOutputStream(toAdapter.sink());
        InputStream kitIn = Channels.newInputStream(fromAdapter.source());
        OutputStream adapterOut = Channels.newOutputStream(fromAdapter.sink());
        Thread server = new Thread(() -> {
            try {
                new AdapterServer(name, capabilities, factory, adapterOut).serve(adapterIn);
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
