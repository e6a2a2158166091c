package dev.hubsim.twin.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.twin.TwinKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The query subset's parser, evaluator and paging, over hand-made twin documents. */
class TwinQueryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Keyed twin documents in no particular order (the query sorts). */
    private static final Map<TwinKey, JsonNode> TWINS = new LinkedHashMap<>();

    static {
        twin("d3", null, "{\"status\":\"disabled\",\"connectionState\":\"Disconnected\",\"tags\":{\"site\":\"lab\",\"floor\":2},"
                + "\"properties\":{\"desired\":{\"mode\":\"eco\"},\"reported\":{\"fw\":\"1.0\"}}}");
        twin("d1", null, "{\"status\":\"enabled\",\"connectionState\":\"Connected\",\"tags\":{\"site\":\"lab\",\"floor\":1,"
                + "\"loc\":{\"city\":\"Oslo\"},\"name\":\"it's\"},\"properties\":{\"desired\":{\"on\":true},\"reported\":{\"fw\":\"2.0\",\"temp\":21.5}}}");
        twin("d2", null, "{\"status\":\"enabled\",\"connectionState\":\"Disconnected\",\"tags\":{\"site\":\"factory\",\"floor\":1.0},"
                + "\"properties\":{\"desired\":{\"mode\":\"eco\",\"on\":false},\"reported\":{}}}");
        twin("d4", null, "{\"status\":\"enabled\",\"connectionState\":\"Disconnected\",\"tags\":{},\"properties\":{\"desired\":{},\"reported\":{}}}");
        twin("d1", "m2", "{\"status\":\"enabled\",\"tags\":{\"site\":\"lab\"},\"properties\":{\"desired\":{},\"reported\":{}}}");
        twin("d1", "m1", "{\"status\":\"enabled\",\"tags\":{},\"properties\":{\"desired\":{\"mode\":\"eco\"},\"reported\":{}}}");
    }

    private static void twin(String deviceId, String moduleId, String rest) {
        try {
            com.fasterxml.jackson.databind.node.ObjectNode doc = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(rest);
            doc.put("deviceId", deviceId);
            if (moduleId != null) {
                doc.put("moduleId", moduleId);
            }
            TWINS.put(new TwinKey(deviceId, moduleId), doc);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every twin the query selects, over all pages of {@code pageSize}, as "device" or "device/module". */
    private static List<String> run(String query, int pageSize) {
        TwinQuery q = TwinQuery.parse(query);
        List<String> out = new ArrayList<>();
        String token = null;
        do {
            QueryPage page = q.page(TWINS.keySet(), TWINS::get, pageSize, token);
            assertTrue(page.items().size() <= pageSize);
            page.items().forEach(t -> out.add(t.get("deviceId").asText() + (t.has("moduleId") ? "/" + t.get("moduleId").asText() : "")));
            token = page.continuation();
        } while (token != null);
        return out;
    }

    private static String ids(String query) {
        return String.join(",", run(query, 100));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "SELECT * FROM devices | d1,d2,d3,d4",
            "select * from DEVICES | d1,d2,d3,d4",
            "SELECT * FROM devices.modules | d1/m1,d1/m2",
            "SELECT * FROM devices WHERE deviceId = 'd2' | d2",
            "SELECT * FROM devices WHERE DeviceId = \"d2\" | d2",
            "SELECT * FROM devices.modules WHERE moduleId = 'm2' | d1/m2",
            "SELECT * FROM devices.modules WHERE deviceId = 'd1' AND moduleId != 'm2' | d1/m1",
            "SELECT * FROM devices WHERE moduleId = 'm1' | ''",
            "SELECT * FROM devices WHERE status = 'disabled' | d3",
            "SELECT * FROM devices WHERE connectionState = 'Connected' | d1",
            "SELECT * FROM devices WHERE tags.site = 'lab' | d1,d3",
            "SELECT * FROM devices WHERE tags.site != 'lab' | d2",
            "SELECT * FROM devices WHERE tags.site <> 'lab' | d2",
            "SELECT * FROM devices WHERE NOT tags.site = 'lab' | d2",
            "SELECT * FROM devices WHERE tags.site = 'lab' OR properties.desired.mode = 'eco' | d1,d2,d3",
            "SELECT * FROM devices WHERE tags.site = 'lab' AND properties.desired.mode = 'eco' | d3",
            "SELECT * FROM devices WHERE tags.site = 'factory' OR tags.site = 'lab' AND tags.floor = 2 | d2,d3",
            "SELECT * FROM devices WHERE (tags.site = 'factory' OR tags.site = 'lab') AND tags.floor = 1 | d1,d2",
            "SELECT * FROM devices WHERE tags.floor = 1 | d1,d2",
            "SELECT * FROM devices WHERE tags.floor > 1 | d3",
            "SELECT * FROM devices WHERE tags.floor >= 1 AND tags.floor < 2 | d1,d2",
            "SELECT * FROM devices WHERE tags.floor <= 1.5 | d1,d2",
            "SELECT * FROM devices WHERE tags.floor = '1' | ''",
            "SELECT * FROM devices WHERE tags.loc.city = 'Oslo' | d1",
            "SELECT * FROM devices WHERE tags.name = 'it\\'s' | d1",
            "SELECT * FROM devices WHERE properties.desired.on = true | d1",
            "SELECT * FROM devices WHERE properties.desired.on = false | d2",
            "SELECT * FROM devices WHERE properties.desired.on != true | d2",
            "SELECT * FROM devices WHERE properties.reported.fw >= '1.5' | d1",
            "SELECT * FROM devices WHERE properties.reported.temp > -3e1 | d1",
            "SELECT * FROM devices WHERE Properties.Reported.fw = '2.0' | d1",
            "SELECT * FROM devices WHERE properties.reported.FW = '2.0' | ''",
            "SELECT * FROM devices.modules WHERE properties.desired.mode = 'eco' OR tags.site = 'lab' | d1/m1,d1/m2",
    })
    void eachSupportedFormSelectsExactlyItsTwins(String query, String expected) {
        assertEquals(expected, ids(query));
    }

    @Test
    void aMissingPropertyMatchesNeitherEqualNorNotEqualNorTheirNegation() {
        assertEquals("d1,d2,d3", ids("SELECT * FROM devices WHERE tags.site = 'lab' OR tags.site != 'lab'"), "d4 has no site");
        assertEquals("d1,d2,d3", ids("SELECT * FROM devices WHERE NOT (tags.site = 'lab' AND tags.site != 'lab')"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "SELECT deviceId FROM devices | The SELECT list starting with 'deviceId' (projections) is not supported",
            "SELECT COUNT() AS n FROM devices | 'COUNT()' in the SELECT list is not supported",
            "SELECT * FROM devices GROUP BY tags.site | 'GROUP BY' is not supported",
            "SELECT * FROM devices WHERE tags.a = 1 GROUP BY tags.site | 'GROUP BY' is not supported",
            "SELECT * FROM devices.jobs | 'FROM devices.jobs' is not supported",
            "SELECT * FROM jobs | 'FROM jobs' is not supported",
            "SELECT * FROM devices WHERE is_defined(tags.site) | The function 'is_defined()' is not supported",
            "SELECT * FROM devices WHERE deviceId IN ['a'] | 'IN' is not supported",
            "SELECT * FROM devices WHERE tags.site = null | Comparing with null is not supported",
            "SELECT * FROM devices WHERE tags.site = tags.other | Comparing with 'tags' (only string, number and boolean literals are) is not supported",
            "SELECT * FROM devices WHERE lastActivityTime = 'x' | Querying 'lastActivityTime' is not supported",
            "SELECT * FROM devices WHERE properties.desired = 'x' | Querying 'properties.desired' is not supported",
            "UPDATE devices SET x = 1 | A query starting with 'UPDATE' is not supported",
    })
    void eachUnsupportedFormIsNamed(String query, String message) {
        QueryException e = assertThrows(QueryException.class, () -> TwinQuery.parse(query));
        assertTrue(e.getMessage().startsWith(message + ": hubsim supports only SELECT * FROM devices or devices.modules"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "SELECT * devices | Syntax error at position 10: expected FROM, found 'devices'",
            "SELECT * FROM devices WHERE tags.site 'lab' | Syntax error at position 39: expected a comparison operator",
            "SELECT * FROM devices WHERE tags.site = 'lab | Syntax error: the string starting at position 41 has no closing '",
            "SELECT * FROM devices WHERE (tags.a = 1 | Syntax error at position 40: expected AND, OR or ')', found the end of the query",
            "SELECT * FROM devices WHERE tags.a = 1 tags.b = 2 | Syntax error at position 40: expected AND, OR or the end of the query",
            "SELECT * FROM devices WHERE | Syntax error at position 28: expected a property",
    })
    void syntaxErrorsSayWhereAndWhat(String query, String message) {
        QueryException e = assertThrows(QueryException.class, () -> TwinQuery.parse(query));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void queriesUpTo8192CharactersAreAccepted() {
        String prefix = "SELECT * FROM devices WHERE tags.s = '";
        String at = prefix + "x".repeat(TwinQuery.MAX_QUERY_LENGTH - prefix.length() - 1) + "'";
        assertEquals(8192, at.length());
        TwinQuery.parse(at);
        QueryException e = assertThrows(QueryException.class, () -> TwinQuery.parse(at + " "));
        assertTrue(e.getMessage().contains("8193 characters long; at most 8192"), e.getMessage());
        assertThrows(QueryException.class, () -> TwinQuery.parse(" "));
    }

    @Test
    void aPageOfNHasNTwinsAndAContinuationOnlyWhileMoreMatch() {
        TwinQuery q = TwinQuery.parse("SELECT * FROM devices");
        QueryPage first = q.page(TWINS.keySet(), TWINS::get, 3, null);
        assertEquals(List.of("d1", "d2", "d3"), first.items().stream().map(t -> t.get("deviceId").asText()).toList());
        assertNotNull(first.continuation());
        QueryPage last = q.page(TWINS.keySet(), TWINS::get, 3, first.continuation());
        assertEquals(List.of("d4"), last.items().stream().map(t -> t.get("deviceId").asText()).toList());
        assertNull(last.continuation(), "no token on the last page");

        QueryPage exactly = q.page(TWINS.keySet(), TWINS::get, 4, null);
        assertEquals(4, exactly.items().size());
        assertNull(exactly.continuation(), "a full page that ends the result has no token (the Java SDK would ask for an empty page)");
        assertEquals("d1,d2,d3", String.join(",", run("SELECT * FROM devices WHERE tags.site = 'lab' OR properties.desired.mode = 'eco'", 1)));
        assertEquals("d1/m1,d1/m2", String.join(",", run("SELECT * FROM devices.modules", 1)));
    }

    @Test
    void aPageResumesAfterTheLastTwinEvenWhenTwinsComeAndGoBetweenPages() {
        TwinQuery q = TwinQuery.parse("SELECT * FROM devices");
        QueryPage first = q.page(TWINS.keySet(), TWINS::get, 2, null);
        Map<TwinKey, JsonNode> changed = new LinkedHashMap<>(TWINS);
        changed.remove(TwinKey.device("d2"));
        changed.put(TwinKey.device("d0"), TWINS.get(TwinKey.device("d4")));
        QueryPage next = q.page(changed.keySet(), changed::get, 2, first.continuation());
        assertEquals(List.of("d3", "d4"), next.items().stream().map(t -> t.get("deviceId").asText()).toList());
    }

    @Test
    void aTokenOfAnotherQueryOrNotIssuedHereIsRefused() {
        TwinQuery q = TwinQuery.parse("SELECT * FROM devices");
        String token = q.page(TWINS.keySet(), TWINS::get, 1, null).continuation();
        TwinQuery other = TwinQuery.parse("SELECT * FROM devices WHERE tags.site = 'lab'");
        QueryException e = assertThrows(QueryException.class, () -> other.page(TWINS.keySet(), TWINS::get, 1, token));
        assertTrue(e.getMessage().startsWith("The continuation token belongs to another query"), e.getMessage());
        for (String bad : List.of("not a token!", "aGVsbG8", token + "x")) {
            QueryException refused = assertThrows(QueryException.class, () -> q.page(TWINS.keySet(), TWINS::get, 1, bad), bad);
            assertTrue(refused.getMessage().contains("is not one this hub issued"), refused.getMessage());
        }
        assertEquals(1, q.page(TWINS.keySet(), TWINS::get, 1, "").items().size(), "an empty header is the first page");
    }

    @Test
    void thePageSizeIsOneTo1000AndDefaults100() {
        assertEquals(100, TwinQuery.pageSize(null));
        assertEquals(1, TwinQuery.pageSize("1"));
        assertEquals(1000, TwinQuery.pageSize("1000"));
        for (String bad : List.of("1001", "0", "-5", "ten")) {
            QueryException e = assertThrows(QueryException.class, () -> TwinQuery.pageSize(bad), bad);
            assertTrue(e.getMessage().contains("is not a number from 1 to 1000"), e.getMessage());
        }
    }
}
