package dev.hubsim.twin.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hubsim.twin.TwinKey;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * A twin query of the hub's subset of the IoT Hub query language (see {@link #parse}), run over twin documents as the
 * service API shows them, page by page in a stable order (device ID, then module ID, ordinal), each page resuming after
 * the last twin of the one before. Protocol-neutral: the HTTPS face reads the headers and renders the documents.
 */
public final class TwinQuery {
    /** The page size when the client names none (x-ms-max-item-count absent). */
    public static final int DEFAULT_PAGE_SIZE = 100;
    /** The largest page (DOCS query-language: up to 1000). */
    public static final int MAX_PAGE_SIZE = 1000;
    /** The longest query text (DOCS query-twins: 8192 characters). */
    public static final int MAX_QUERY_LENGTH = 8192;
    private static final Comparator<TwinKey> ORDER = Comparator.comparing(TwinKey::deviceId)
            .thenComparing(TwinKey::moduleId, Comparator.nullsFirst(Comparator.naturalOrder()));

    /** The collection a query reads: device twins or module twins. */
    public enum From { DEVICES, MODULES }

    private final String text;
    private final From from;
    private final Condition where;

    TwinQuery(String text, From from, Condition where) {
        this.text = text;
        this.from = from;
        this.where = where;
    }

    /** Parses {@code text}; a {@link QueryException} names what is wrong or not supported. */
    public static TwinQuery parse(String text) {
        if (text == null || text.isBlank()) {
            throw new QueryException("The query is empty: " + QueryParser.SUBSET);
        }
        if (text.length() > MAX_QUERY_LENGTH) {
            throw new QueryException("The query is " + text.length() + " characters long; at most " + MAX_QUERY_LENGTH + " are accepted");
        }
        return QueryParser.parse(text);
    }

    /** The page size a client asked for ({@code null}: the default), 1 to {@link #MAX_PAGE_SIZE}. */
    public static int pageSize(String requested) {
        if (requested == null || requested.isBlank()) {
            return DEFAULT_PAGE_SIZE;
        }
        try {
            int size = Integer.parseInt(requested.trim());
            if (size >= 1 && size <= MAX_PAGE_SIZE) {
                return size;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new QueryException("The page size (x-ms-max-item-count) '" + requested + "' is not a number from 1 to " + MAX_PAGE_SIZE);
    }

    public From from() {
        return from;
    }

    /** Whether the WHERE condition is true for this twin document (false when undefined). */
    public boolean selects(JsonNode twin) {
        return Boolean.TRUE.equals(where.test(twin));
    }

    /**
     * One page of the result.
     *
     * @param twins        every twin of the hub (devices' and modules'; the query picks its collection)
     * @param document     a twin's document as the service API shows it, or null when it is gone meanwhile
     * @param continuation the previous page's token, or null (or blank) for the first page
     */
    public QueryPage page(Collection<TwinKey> twins, Function<TwinKey, JsonNode> document, int pageSize, String continuation) {
        TwinKey after = continuation == null || continuation.isBlank() ? null : ContinuationToken.resume(continuation, fingerprint());
        List<TwinKey> keys = twins.stream().filter(k -> k.isModule() == (from == From.MODULES))
                .filter(k -> after == null || ORDER.compare(k, after) > 0).sorted(ORDER).toList();
        List<JsonNode> items = new ArrayList<>();
        TwinKey last = null;
        for (TwinKey key : keys) {
            JsonNode twin = document.apply(key);
            if (twin == null || !selects(twin)) {
                continue;
            }
            if (items.size() == pageSize) {
                return new QueryPage(items, ContinuationToken.of(fingerprint(), last));
            }
            items.add(twin);
            last = key;
        }
        return new QueryPage(items, null);
    }

    private String fingerprint() {
        return Integer.toHexString(text.hashCode());
    }

    @Override
    public String toString() {
        return text;
    }
}
