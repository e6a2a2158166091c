package dev.hubsim.console;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's page and assets under {@code /hubsim/ui/}, read from the jar on first request (nothing at start-up).
 * They load without a token: the page asks for the login and sends the token with every API call itself.
 */
public final class ConsoleAssets implements ResponseDefinitionTransformerV2 {
    public static final String NAME = "hubsim-console";
    public static final String PREFIX = "/hubsim/ui";
    /** The sequence diagram's renderer and style, shared with the conformance kit's report.html. */
    public static final String DIAGRAM = "/hubsim-diagram/";
    /** Everything served, by name, with its class-path resource: nothing else under the prefix is read. */
    static final Map<String, String> FILES = Map.of("index.html", "/hubsim-console/index.html", "console.css", "/hubsim-console/console.css",
            "console.js", "/hubsim-console/console.js", "sequence.js", DIAGRAM + "sequence.js", "sequence.css", DIAGRAM + "sequence.css");
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        String path = serveEvent.getRequest().getUrl().split("\\?", 2)[0];
        String method = serveEvent.getRequest().getMethod().getName();
        if (path.equals(PREFIX)) {
            return ResponseDefinitionBuilder.responseDefinition().withStatus(302).withHeader("Location", PREFIX + "/").build();
        }
        String name = path.substring(PREFIX.length() + 1);
        if (name.isEmpty()) {
            name = "index.html";
        }
        String resource = FILES.get(name);
        if (resource == null || !(method.equals("GET") || method.equals("HEAD"))) {
            return ResponseDefinitionBuilder.responseDefinition().withStatus(404).withHeader("Content-Type", "text/plain; charset=utf-8")
                    .withBody("not part of the console: " + path + "\n").build();
        }
        return ResponseDefinitionBuilder.responseDefinition().withStatus(200).withHeader("Content-Type", type(name))
                .withHeader("Cache-Control", "no-cache").withHeader("X-Content-Type-Options", "nosniff")
                .withHeader("Referrer-Policy", "no-referrer").withHeader("Content-Security-Policy", CSP)
                .withBody(cache.computeIfAbsent(resource, ConsoleAssets::read)).build();
    }

    private static String type(String name) {
        String suffix = name.substring(name.lastIndexOf('.') + 1);
        return switch (suffix) {
            case "html" -> "text/html; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            default -> "text/javascript; charset=utf-8";
        };
    }

    private static byte[] read(String resource) {
        try (InputStream in = ConsoleAssets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the console asset " + resource + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
