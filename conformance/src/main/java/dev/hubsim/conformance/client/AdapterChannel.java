package dev.hubsim.conformance.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The kit's end of the adapter protocol (ADAPTER-PROTOCOL.md, versions 1 and 2): JSON lines to the adapter's stdin,
 * replies and events from its stdout. Works over any pair of streams: a child process, or an adapter in this JVM.
 */
public final class AdapterChannel implements AutoCloseable {
    /** How long the kit waits for a reply or the hello ({@code -Dhubsim.clientkit.replyTimeoutSeconds}, CLI --reply-timeout). */
    public static final Duration REPLY_TIMEOUT = Duration.ofSeconds(Long.getLong("hubsim.clientkit.replyTimeoutSeconds", 10));
    private final ObjectMapper json = new ObjectMapper();
    private final PrintStream toAdapter;
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final List<Received> events = new ArrayList<>();
    private final CompletableFuture<JsonNode> hello = new CompletableFuture<>();
    private final Runnable onClose;
    private volatile Consumer<Received> arrivalHook = r -> { };
    private volatile String lostBecause;

    /** One event as it arrived (and when), with what the hub's trace held at that moment (recorded by the arrival hook). */
    public static final class Received {
        public final long index;
        public final JsonNode event;
        public final java.time.Instant at = java.time.Instant.now();
        public volatile Object hubSnapshot;

        Received(long index, JsonNode event) {
            this.index = index;
            this.event = event;
        }

        public String type() {
            return event.path("event").asText();
        }

        @Override
        public String toString() {
            return event.toString();
        }
    }

    /** What a command came back with: ok and a result, or the adapter's synchronous error. */
    public record Reply(boolean ok, String error, JsonNode result) {
    }

    public AdapterChannel(InputStream fromAdapter, OutputStream toAdapter, Runnable onClose) {
        this.toAdapter = new PrintStream(toAdapter, true, StandardCharsets.UTF_8);
        this.onClose = onClose;
        Thread reader = new Thread(() -> read(fromAdapter), "adapter-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts an adapter command (split on spaces; run in {@code dir}); its stderr goes to this JVM's stderr. */
    public static AdapterChannel start(String command, java.io.File dir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command.trim().split("\\s+")).directory(dir)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        return new AdapterChannel(p.getInputStream(), p.getOutputStream(), () -> {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroy();
                }
            } catch (InterruptedException e) {
                p.destroy();
                Thread.currentThread().interrupt();
            }
        });
    }

    private void read(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = json.readTree(line);
                } catch (IOException e) {
                    System.err.println("client kit: adapter wrote a line that is not JSON: " + line);
                    continue;
                }
                switch (node.path("type").asText()) {
                    case "hello" -> hello.complete(node);
                    case "reply" -> {
                        CompletableFuture<JsonNode> f = pending.remove(node.path("id").asLong());
                        if (f != null) {
                            f.complete(node);
                        }
                    }
                    case "event" -> {
                        Received r;
                        synchronized (events) {
                            r = new Received(events.size(), node);
                            events.add(r);
                        }
                        arrivalHook.accept(r);
                        synchronized (events) {
                            events.notifyAll();
                        }
                    }
                    default -> System.err.println("client kit: adapter wrote an unknown line: " + line);
                }
            }
        } catch (IOException e) {
            lostBecause = e.toString();
        }
        lostBecause = lostBecause == null ? "the adapter's output ended" : lostBecause;
        hello.completeExceptionally(new IllegalStateException(lostBecause));
        pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException(lostBecause)));
        synchronized (events) {
            events.notifyAll();
        }
    }

    /** The adapter's hello: protocol name, version, name and capabilities. */
    public JsonNode hello() {
        try {
            return hello.get(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(lostBecause != null ? "the adapter ended before its hello (" + lostBecause
                    + "): did its command start? its stderr is above" : "the adapter said no hello within " + REPLY_TIMEOUT, e);
        }
    }

    /** The protocol version the adapter speaks (1 when its hello names none). */
    public int protocolVersion() {
        return hello().path("version").asInt(1);
    }

    public Set<String> capabilities() {
        Set<String> caps = new TreeSet<>();
        hello().path("capabilities").forEach(c -> caps.add(c.asText()));
        return caps;
    }

    public void onArrival(Consumer<Received> hook) {
        this.arrivalHook = hook;
    }

    /** Sends a command and waits for its reply. */
    public Reply call(String op, Map<String, Object> fields) {
        long id = ids.incrementAndGet();
        ObjectNode command = json.createObjectNode().put("id", id).put("op", op);
        fields.forEach((k, v) -> command.set(k, json.valueToTree(v)));
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        synchronized (toAdapter) {
            toAdapter.println(command);
        }
        try {
            JsonNode reply = f.get(REPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new Reply(reply.path("ok").asBoolean(), reply.path("error").isNull() ? null : reply.path("error").asText(null),
                    reply.path("result"));
        } catch (Exception e) {
            throw new IllegalStateException("no reply to " + command + " within " + REPLY_TIMEOUT + ": " + e, e);
        }
    }

    /** Events from index {@code from} on, as they stand. */
    public List<Received> events(long from) {
        synchronized (events) {
            return new ArrayList<>(events.subList((int) Math.min(from, events.size()), events.size()));
        }
    }

    public long eventCount() {
        synchronized (events) {
            return events.size();
        }
    }

    /** Waits for the first event from {@code from} on that matches; null after the timeout. */
    public Received await(long from, Predicate<Received> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (events) {
            while (true) {
                for (int i = (int) from; i < events.size(); i++) {
                    if (match.test(events.get(i))) {
                        return events.get(i);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || lostBecause != null) {
                    return null;
                }
                try {
                    events.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            call("shutdown", Map.of());
        } catch (RuntimeException ignored) {
            // the adapter may be gone already
        }
        toAdapter.close();
        onClose.run();
    }
}
