package dev.hubsim.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The twin core on its own: patch semantics, versions, metadata, etags, subscriptions, limits at their boundaries, persistence. */
class TwinsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TwinKey D1 = TwinKey.device("d1");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05.123Z"), ZoneOffset.UTC);

    private final Set<TwinKey> registered = new java.util.HashSet<>(Set.of(D1, TwinKey.device("d2")));
    private final Twins twins = new Twins(registered::contains, CLOCK, TwinStore.IN_MEMORY);

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The same JSON with numbers as the parser makes them, so nodes compare by value. */
    static JsonNode norm(JsonNode node) {
        return json(node.toString());
    }

    static List<JsonNode> norm(List<? extends JsonNode> nodes) {
        return nodes.stream().map(TwinsTest::norm).toList();
    }

    private static String build(int depth, String leaf) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= depth; i++) {
            b.append("{'l").append(i).append("':");
        }
        b.append(leaf);
        b.append("}".repeat(depth));
        return b.toString();
    }

    static ObjectNode members(ObjectNode section) {
        ObjectNode copy = section.deepCopy();
        copy.remove(List.of("$metadata", "$version"));
        return copy;
    }

    @Test
    void aNewTwinIsEmptyAtVersionOneWithMetadata() {
        TwinState t = twins.get(D1);
        assertEquals(1, t.version());
        assertEquals(1, t.desiredVersion());
        assertEquals(1, t.reportedVersion());
        assertEquals(json("{}"), t.tags());
        assertEquals(json("{}"), members(t.desired()));
        assertEquals("2026-01-02T03:04:05.1230000Z", t.desired().path("$metadata").path("$lastUpdated").asText());
        assertEquals("AAAAAAAAAAE=", t.etag());
        assertEquals(json("{'desired':" + t.desired() + ",'reported':" + t.reported() + "}"), norm(t.deviceView()));
    }

    @Test
    void patchesMergeRecursivelyAndNullRemoves() {
        twins.patchReported(D1, json("{'a':1,'b':{'c':'x','d':true},'e':'gone'}"));
        TwinState t = twins.patchReported(D1, json("{'b':{'c':null,'f':2.5},'e':null,'g':[1,2]}"));
        assertEquals(json("{'a':1,'b':{'d':true,'f':2.5},'g':[1,2]}"), members(t.reported()));
        assertEquals(3, t.reportedVersion(), "one version per patch");
        assertEquals(1, t.desiredVersion(), "desired untouched");
        JsonNode meta = t.reported().get("$metadata");
        assertTrue(meta.path("b").has("f") && meta.path("b").has("d") && !meta.path("b").has("c") && !meta.has("e"),
                "metadata mirrors the tree: " + meta);
        assertTrue(meta.path("b").path("f").has("$lastUpdated"));
        assertFalse(meta.path("b").path("f").has("$lastUpdatedVersion"), "only desired metadata carries versions");
    }

    @Test
    void desiredMetadataCarriesTheVersionThatSetEachLeaf() {
        twins.patch(D1, null, json("{'x':{'y':1}}"), null);
        TwinState t = twins.patch(D1, null, json("{'z':2}"), null);
        JsonNode meta = t.desired().get("$metadata");
        assertEquals(2, meta.path("x").path("y").path("$lastUpdatedVersion").asLong());
        assertEquals(3, meta.path("z").path("$lastUpdatedVersion").asLong());
        assertEquals(3, meta.path("$lastUpdatedVersion").asLong());
    }

    @Test
    void replaceOverwritesTagsAndDesired() {
        twins.patch(D1, json("{'site':'a','floor':1}"), json("{'p':1,'q':2}"), null);
        TwinState t = twins.replace(D1, json("{'site':'b'}"), json("{'r':3}"), null);
        assertEquals(json("{'site':'b'}"), t.tags());
        assertEquals(json("{'r':3}"), members(t.desired()));
        assertEquals(3, t.desiredVersion());
    }

    @Test
    void theEtagChangesWithEveryChangeAndGuardsUpdates() {
        TwinState before = twins.get(D1);
        TwinState after = twins.patch(D1, json("{'t':1}"), null, "\"" + before.etag() + "\"");
        assertNotEquals(before.etag(), after.etag(), "a tags change alone changes the etag");
        assertEquals(1, after.desiredVersion());
        TwinException stale = assertThrows(TwinException.class, () -> twins.patch(D1, null, json("{'p':1}"), before.etag()));
        assertEquals(TwinException.Reason.PRECONDITION_FAILED, stale.reason());
        twins.patch(D1, null, json("{'p':1}"), after.etag());
        twins.replace(D1, null, json("{}"), "*");
        twins.replace(D1, null, json("{}"), "\"*\"");
    }

    @Test
    void subscribersGetEachDesiredChangeWithItsVersionInOrder() {
        List<DesiredPatch> seen = new ArrayList<>();
        Twins.Subscription s = twins.subscribe(D1, seen::add);
        twins.patch(D1, null, json("{'a':1}"), null);
        twins.patch(D1, json("{'tagOnly':1}"), null, null);
        twins.patch(D1, null, json("{'a':null}"), null);
        twins.replace(D1, null, json("{'b':2}"), null);
        twins.patch(TwinKey.device("d2"), null, json("{'other':1}"), null);
        twins.patchReported(D1, json("{'r':1}"));
        assertEquals(List.of(json("{'a':1,'$version':2}"), json("{'a':null,'$version':3}"), json("{'b':2,'$version':4}")),
                norm(seen.stream().map(DesiredPatch::body).toList()));
        assertEquals(List.of(2L, 3L, 4L), seen.stream().map(DesiredPatch::version).toList());
        s.close();
        twins.patch(D1, null, json("{'a':5}"), null);
        assertEquals(3, seen.size(), "no change after the subscription closed");
        assertEquals(0, twins.subscriberCount(D1));
    }

    @Test
    void unknownDevicesAndModulesHaveNoTwin() {
        assertEquals(TwinException.Reason.NOT_FOUND, assertThrows(TwinException.class, () -> twins.get(TwinKey.device("nope"))).reason());
        assertEquals(TwinException.Reason.NOT_FOUND,
                assertThrows(TwinException.class, () -> twins.patchReported(TwinKey.module("d1", "m"), json("{}"))).reason());
    }

    @Test
    void aDeletedDeviceComesBackWithANewTwin() {
        twins.patch(D1, json("{'t':1}"), null, null);
        twins.removeDevice("d1");
        assertEquals(json("{}"), twins.get(D1).tags());
    }

    @Test
    void resetForgetsContentButKeepsSubscriptions() {
        List<DesiredPatch> seen = new ArrayList<>();
        twins.subscribe(D1, seen::add);
        twins.patch(D1, json("{'t':1}"), json("{'a':1}"), null);
        twins.reset();
        assertEquals(1, twins.get(D1).version());
        twins.patch(D1, null, json("{'a':2}"), null);
        assertEquals(2, seen.size());
    }

    // Limits, each accepted at the boundary and refused one past it.

    private static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    private void refused(String text, String expected) {
        TwinException e = assertThrows(TwinException.class, () -> twins.patchReported(D1, json(text)));
        assertEquals(TwinException.Reason.INVALID, e.reason());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void depthTenIsAcceptedElevenIsNot() {
        // The documents' example: objects ten deep below the section, a leaf in the tenth.
        twins.patchReported(D1, json(build(10, "{'leaf':1}")));
        refused(build(11, "{'leaf':1}"), "Nested depth of twin property exceeds 10");
        refused(build(10, "{'leaf':[1]}"), "Nested depth of twin property exceeds 10");
    }

    @Test
    void keysAreCheckedForLengthAndCharacters() {
        twins.patchReported(D1, json("{'" + repeat('k', 1024) + "':1}"));
        refused("{'" + repeat('k', 1025) + "':1}", "exceeds maximum 1024");
        for (String bad : List.of("a.b", "a$b", "a b", "a\\u0001b")) {
            refused("{'" + bad + "':1}", "contains invalid character");
        }
    }

    @Test
    void valuesAreCheckedForStringLengthIntegerRangeAndNullInArrays() {
        twins.patchReported(D1, json("{'s':'" + repeat('v', 4096) + "','i':4503599627370495,'j':-4503599627370496}"));
        refused("{'s':'" + repeat('v', 4097) + "'}", "maximum 4096 bytes");
        refused("{'i':4503599627370496}", "out of bound value");
        refused("{'j':-4503599627370497}", "out of bound value");
        refused("{'a':[1,null]}", "null inside an array");
        refused("[1]", "must be a JSON object");
    }

    @Test
    void sectionsAreCheckedForSizeAfterTheMerge() {
        // 8 string values of 4,094 bytes under 1-byte keys fill reported to 8 * 4,095 = 32,760; 8 more bytes fit exactly.
        ObjectNode big = JSON.createObjectNode();
        for (int i = 0; i < 8; i++) {
            big.put(String.valueOf(i), repeat('v', 4094));
        }
        twins.patchReported(D1, big);
        twins.patchReported(D1, json("{'abcd':'efgh'}"));
        assertEquals(32768, TwinRules.size(members(twins.get(D1).reported())));
        refused("{'x':true}", "Twin reported properties size 32773 exceeds maximum 32768");
        twins.patchReported(D1, json("{'abcd':null,'x':true}"));

        ObjectNode tags = JSON.createObjectNode();
        tags.put("t", repeat('v', 4095));
        tags.put("u", repeat('v', 4095));
        twins.patch(D1, tags, null, null);
        TwinException e = assertThrows(TwinException.class, () -> twins.patch(D1, json("{'w':1}"), null, null));
        assertTrue(e.getMessage().contains("Twin tags size 8201 exceeds maximum 8192"), e.getMessage());
    }

    @Test
    void twinsSurviveARestartWithAFileStore(@TempDir Path dir) {
        Path file = dir.resolve("twins").resolve("hub.json");
        Twins first = new Twins(registered::contains, CLOCK, TwinStore.file(file));
        first.patch(D1, json("{'site':'x'}"), json("{'p':1}"), null);
        TwinState saved = first.patchReported(D1, json("{'r':{'s':2}}"));
        Twins second = new Twins(registered::contains, CLOCK, TwinStore.file(file));
        assertEquals(saved.toString(), second.get(D1).toString());
        assertEquals(saved.version() + 1, second.patchReported(D1, json("{}")).version(), "versions go on from the saved ones");
    }
}
