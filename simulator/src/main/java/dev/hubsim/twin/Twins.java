package dev.hubsim.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The hub's device and module twins, whatever the face: a twin per registered device (and module), created on first
 * use; the device reads its properties and patches its reported ones; the back end reads the whole twin and patches
 * or replaces tags and desired properties under optimistic concurrency (etag / If-Match); devices subscribed to
 * desired changes get each one with its {@code $version}. Every change is saved before it is answered (with a
 * persistent store). One lock: twin traffic is small and ordered per twin.
 */
public final class Twins {
    /** Seven fraction digits, as the hub writes times (reference §3.1, §8 item 6). */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private final Predicate<TwinKey> exists;
    private final Clock clock;
    private final TwinStore store;
    private final Map<TwinKey, Twin> twins = new HashMap<>();
    private final Map<TwinKey, List<Consumer<DesiredPatch>>> subscribers = new HashMap<>();
    private final List<Consumer<TwinKey>> changeListeners = new CopyOnWriteArrayList<>();

    /** @param exists whether the registry holds the device (or module) a twin would belong to */
    public Twins(Predicate<TwinKey> exists, Clock clock, TwinStore store) {
        this.exists = exists;
        this.clock = clock;
        this.store = store;
        for (JsonNode saved : store.load()) {
            Twin twin = Twin.load(saved);
            twins.put(twin.key, twin);
        }
    }

    public synchronized TwinState get(TwinKey key) {
        return twin(key).state();
    }

    /** A device's patch of its reported properties. */
    public synchronized TwinState patchReported(TwinKey key, JsonNode patch) {
        Twin twin = twin(key);
        ObjectNode p = checked(patch, "reported properties patch");
        TwinRules.checkSize(twin.reported.preview(p), "reported properties", TwinRules.MAX_PROPERTIES_BYTES);
        twin.reported.patch(p, now());
        return changed(twin);
    }

    /**
     * The back end's patch of tags and desired properties (either may be null), if {@code ifMatch} is null, {@code *}
     * or the current etag (quoted or not).
     */
    public synchronized TwinState patch(TwinKey key, JsonNode tags, JsonNode desired, String ifMatch) {
        Twin twin = twin(key);
        checkEtag(twin, ifMatch);
        ObjectNode t = tags == null ? null : checked(tags, "tags");
        ObjectNode d = desired == null ? null : checked(desired, "desired properties");
        if (t != null) {
            TwinRules.checkSize(twin.tags.preview(t), "tags", TwinRules.MAX_TAGS_BYTES);
        }
        if (d != null) {
            TwinRules.checkSize(twin.desired.preview(d), "desired properties", TwinRules.MAX_PROPERTIES_BYTES);
        }
        String now = now();
        if (t != null) {
            twin.tags.patch(t, now);
        }
        if (d != null) {
            twin.desired.patch(d, now);
            notify(twin, d);
        }
        return changed(twin);
    }

    /** The back end's replacement of tags and desired properties (a null section becomes empty), etag as for {@link #patch}. */
    public synchronized TwinState replace(TwinKey key, JsonNode tags, JsonNode desired, String ifMatch) {
        Twin twin = twin(key);
        checkEtag(twin, ifMatch);
        ObjectNode t = tags == null || tags.isNull() ? empty() : Section.withoutNulls(checked(tags, "tags"));
        ObjectNode d = desired == null || desired.isNull() ? empty() : Section.withoutNulls(checked(desired, "desired properties"));
        TwinRules.checkSize(t, "tags", TwinRules.MAX_TAGS_BYTES);
        TwinRules.checkSize(d, "desired properties", TwinRules.MAX_PROPERTIES_BYTES);
        String now = now();
        twin.tags.replace(t, now);
        twin.desired.replace(d, now);
        notify(twin, d);
        return changed(twin);
    }

    /** Tells {@code listener} every later desired change of this twin, on the thread that made it, in order. */
    public synchronized Subscription subscribe(TwinKey key, Consumer<DesiredPatch> listener) {
        subscribers.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> unsubscribe(key, listener);
    }

    private synchronized void unsubscribe(TwinKey key, Consumer<DesiredPatch> listener) {
        List<Consumer<DesiredPatch>> list = subscribers.get(key);
        if (list != null) {
            list.remove(listener);
            if (list.isEmpty()) {
                subscribers.remove(key);
            }
        }
    }

    /** How many listeners this twin's desired changes have (devices subscribed now). */
    public synchronized int subscriberCount(TwinKey key) {
        return subscribers.getOrDefault(key, List.of()).size();
    }

    /** Forgets the twins of a deleted device and of its modules; a device created again starts with a new twin. */
    public synchronized void removeDevice(String deviceId) {
        if (twins.keySet().removeIf(k -> k.deviceId().equals(deviceId))) {
            save();
        }
    }

    /** Forgets one twin (a deleted module's). */
    public synchronized void remove(TwinKey key) {
        if (twins.remove(key) != null) {
            save();
        }
    }

    /** Every twin back to new (between tests); subscriptions stay, as live connections do. */
    public synchronized void reset() {
        twins.clear();
        save();
    }

    /** The twins that exist now (ever read or changed), for listings. */
    public synchronized List<TwinState> all() {
        List<TwinState> out = new ArrayList<>();
        twins.values().forEach(t -> out.add(t.state()));
        return out;
    }

    /** A subscription to desired changes; closing it stops them. */
    @FunctionalInterface
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private Twin twin(TwinKey key) {
        if (!exists.test(key)) {
            twins.remove(key);
            throw new TwinException(TwinException.Reason.NOT_FOUND, key.isModule()
                    ? "Module '" + key.moduleId() + "' of device '" + key.deviceId() + "' is not registered with this hub."
                    : "Device '" + key.deviceId() + "' is not registered with this hub.");
        }
        return twins.computeIfAbsent(key, k -> new Twin(k, now()));
    }

    private static ObjectNode checked(JsonNode body, String what) {
        TwinRules.checkPatch(body, what);
        return Section.withoutHubMembers((ObjectNode) body);
    }

    private static ObjectNode empty() {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    }

    private static void checkEtag(Twin twin, String ifMatch) {
        if (ifMatch == null) {
            return;
        }
        String tag = ifMatch.trim();
        if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            tag = tag.substring(1, tag.length() - 1);
        }
        if (!tag.equals("*") && !tag.equals(TwinState.etagOf(twin.version))) {
            throw new TwinException(TwinException.Reason.PRECONDITION_FAILED, "The etag " + ifMatch + " does not match the twin's current etag \""
                    + TwinState.etagOf(twin.version) + "\"");
        }
    }

    private TwinState changed(Twin twin) {
        twin.version++;
        save();
        changeListeners.forEach(l -> l.accept(twin.key));
        return twin.state();
    }

    /** Called with the key of every twin that changed (tags, desired or reported), under the twins' lock: hand it on. */
    public void onChange(Consumer<TwinKey> listener) {
        changeListeners.add(listener);
    }

    private void notify(Twin twin, ObjectNode applied) {
        List<Consumer<DesiredPatch>> listeners = subscribers.get(twin.key);
        if (listeners == null || listeners.isEmpty()) {
            return;
        }
        ObjectNode body = applied.deepCopy();
        body.put("$version", twin.desired.version());
        DesiredPatch patch = new DesiredPatch(twin.key, body, twin.desired.version());
        listeners.forEach(l -> l.accept(patch));
    }

    private void save() {
        if (store != TwinStore.IN_MEMORY) {
            List<ObjectNode> all = new ArrayList<>();
            twins.values().forEach(t -> all.add(t.save()));
            store.save(all);
        }
    }

    private String now() {
        return TIME.format(clock.instant());
    }
}
