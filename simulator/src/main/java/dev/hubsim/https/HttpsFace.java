package dev.hubsim.https;

import dev.hubsim.auth.TokenValidator;
import dev.hubsim.registry.Hub;

import javax.net.ssl.SSLContext;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * The hub's HTTPS face on one TLS port: the WebSocket upgrade goes to the AMQP face's WebSocket acceptor, every other
 * request to an embedded WireMock with the registry API, the control API and the user's stubs. The port is bound at
 * start; WireMock (a third of a cold start's classes) is built and started by the first request that needs it, or at
 * start in the background when the user brings stubs of their own.
 */
public final class HttpsFace implements AutoCloseable {
    private final Path stubs;
    private final ControlApi control;
    private final RegistryApi registry;
    private CompletableFuture<HttpFace> http;
    private HttpsFront front;

    /**
     * @param connected           whether a device has a live connection (the registry's {@code connectionState})
     * @param queuedCloudToDevice the device's queued C2D messages (the registry's {@code cloudToDeviceMessageCount})
     */
    public HttpsFace(Path stubs, Hub hub, TokenValidator tokens, Predicate<String> connected, ToIntFunction<String> queuedCloudToDevice) {
        this.stubs = stubs;
        this.control = new ControlApi(tokens);
        this.registry = new RegistryApi(hub, tokens, connected, queuedCloudToDevice);
        if (stubs != null) {
            httpFace();
        }
    }

    /** Listens on the TLS port (0 picks one; returns the port); WebSockets go to {@code websocketBackend}. */
    public int start(InetSocketAddress websocketBackend, String bindHost, int port, SSLContext tls) throws Exception {
        front = new HttpsFront(websocketBackend, () -> httpFace().thenApply(HttpFace::address));
        return front.start(bindHost, port, tls);
    }

    /** WireMock, started once in the background on the first call. */
    private synchronized CompletableFuture<HttpFace> httpFace() {
        if (http == null) {
            http = CompletableFuture.supplyAsync(() -> {
                HttpFace face = new HttpFace(stubs, List.of(registry, control));
                face.start();
                return face;
            });
        }
        return http;
    }

    /** The simulator the control API acts on; until it is bound the API answers 503. */
    public void bind(ControlTarget target) {
        control.bind(target);
    }

    @Override
    public void close() {
        if (front != null) {
            front.close();
        }
        CompletableFuture<HttpFace> started;
        synchronized (this) {
            started = http;
        }
        if (started != null) {
            HttpFace face = started.handle((f, error) -> f).join();
            if (face != null) {
                face.close();
            }
        }
    }
}
