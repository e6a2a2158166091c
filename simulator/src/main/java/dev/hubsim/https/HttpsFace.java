package dev.hubsim.https;

import dev.hubsim.auth.TokenValidator;
import dev.hubsim.methods.DirectMethods;
import dev.hubsim.console.ConsoleAssets;
import dev.hubsim.console.ConsoleFeed;
import dev.hubsim.console.ConsoleStream;
import dev.hubsim.console.OwnerCheck;
import dev.hubsim.registry.Hub;
import dev.hubsim.throttling.Throttling;
import dev.hubsim.twin.Twins;

import javax.net.ssl.SSLContext;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * The hub's HTTPS face on one TLS port: the WebSocket upgrade goes to the AMQP face's WebSocket acceptor, the console's
 * live stream is served in place, every other request goes to an embedded WireMock with the registry API, the control
 * API, the console's page and the user's stubs. The port is bound at start; WireMock (a third of a cold start's
 * classes) is built and started by the first request that needs it, or at start in the background when the user
 * brings stubs of their own.
 */
public final class HttpsFace implements AutoCloseable {
    private final Path stubs;
    private final ControlApi control;
    private final RegistryApi registry;
    private final TwinApi twins;
    private final ModulesApi modules;
    private final MethodsApi methods;
    private final QueryApi query;
    private final OwnerCheck owner;
    private final ConsoleFeed consoleFeed = new ConsoleFeed();
    private CompletableFuture<HttpFace> http;
    private HttpsFront front;

    /**
     * @param connected           whether a device has a live connection (the registry's {@code connectionState})
     * @param queuedCloudToDevice the device's queued C2D messages (the registry's {@code cloudToDeviceMessageCount})
     * @param methods             direct methods, invoked over {@code POST /twins/{id}[/modules/{mid}]/methods}
     */
    public HttpsFace(Path stubs, Hub hub, TokenValidator tokens, Predicate<String> connected, ToIntFunction<String> queuedCloudToDevice,
                     Throttling throttling, DirectMethods methods, Twins twins) {
        this.stubs = stubs;
        this.owner = new OwnerCheck(tokens);
        this.registry = new RegistryApi(hub, tokens, connected, queuedCloudToDevice, throttling);
        this.modules = new ModulesApi(hub, tokens, connected, throttling);
        this.methods = new MethodsApi(tokens, methods, throttling);
        this.twins = new TwinApi(hub, tokens, twins, connected, queuedCloudToDevice, throttling);
        this.query = new QueryApi(hub, tokens, twins, this.twins::toJson);
        this.control = new ControlApi(owner, new TwinControl(twins, this.twins::toJson), new MethodControl(methods));
        if (stubs != null) {
            httpFace();
        }
    }

    /** Listens on the TLS port (0 picks one; returns the port); WebSockets go to {@code websocketBackend}. */
    public int start(InetSocketAddress websocketBackend, String bindHost, int port, SSLContext tls) throws Exception {
        front = new HttpsFront(websocketBackend, () -> httpFace().thenApply(HttpFace::address),
                (pipeline, after) -> ConsoleStream.install(pipeline, after, consoleFeed, owner));
        return front.start(bindHost, port, tls);
    }

    /** WireMock, started once in the background on the first call. */
    private synchronized CompletableFuture<HttpFace> httpFace() {
        if (http == null) {
            http = CompletableFuture.supplyAsync(() -> {
                HttpFace face = new HttpFace(stubs, List.of(registry, modules, methods, control, new ConsoleAssets(), twins, query));
                face.start();
                return face;
            });
        }
        return http;
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
