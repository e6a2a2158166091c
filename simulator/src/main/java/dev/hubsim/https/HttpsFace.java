package dev.hubsim.https;

import dev.hubsim.auth.TokenValidator;
import dev.hubsim.console.ConsoleAssets;
import dev.hubsim.console.ConsoleFeed;
import dev.hubsim.console.ConsoleStream;
import dev.hubsim.console.OwnerCheck;
import dev.hubsim.registry.Hub;
import dev.hubsim.throttling.Throttling;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * The hub's HTTPS face on one TLS port: the WebSocket upgrade goes to the AMQP face's WebSocket acceptor, the console's
 * live stream is served in place, every other request goes to an embedded WireMock with the registry API, the control
 * API, the console's page and the user's stubs.
 */
public final class HttpsFace implements AutoCloseable {
    private final HttpFace http;
    private final ControlApi control;
    private final OwnerCheck owner;
    private final ConsoleFeed consoleFeed = new ConsoleFeed();
    private final CompletableFuture<InetSocketAddress> httpStarted;
    private HttpsFront front;

    /**
     * Starts WireMock at once, in the background (it takes about as long to start cold as the broker).
     *
     * @param connected           whether a device has a live connection (the registry's {@code connectionState})
     * @param queuedCloudToDevice the device's queued C2D messages (the registry's {@code cloudToDeviceMessageCount})
     */
    public HttpsFace(Path stubs, Hub hub, TokenValidator tokens, Predicate<String> connected, ToIntFunction<String> queuedCloudToDevice,
                     Throttling throttling) {
        this.owner = new OwnerCheck(tokens);
        this.control = new ControlApi(owner);
        this.http = new HttpFace(stubs, List.of(new RegistryApi(hub, tokens, connected, queuedCloudToDevice, throttling), control, new ConsoleAssets()));
        this.httpStarted = CompletableFuture.supplyAsync(http::start);
    }

    /** Listens on the TLS port (0 picks one; returns the port) once WireMock is up; WebSockets go to {@code websocketBackend}. */
    public int start(InetSocketAddress websocketBackend, String bindHost, int port, Path keyStore, String keyStorePassword) throws Exception {
        front = new HttpsFront(websocketBackend, httpStarted.join(), (pipeline, after) -> ConsoleStream.install(pipeline, after, consoleFeed, owner));
        return front.start(bindHost, port, keyStore, keyStorePassword);
    }

    /** The simulator the control API acts on; until it is bound the API answers 503. */
    public void bind(ControlTarget target) {
        control.bind(target);
        consoleFeed.bind(target);
    }

    @Override
    public void close() {
        if (front != null) {
            front.close();
        }
        httpStarted.handle((address, error) -> null).join();
        http.close();
    }
}
