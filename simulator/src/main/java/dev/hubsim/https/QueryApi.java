package dev.hubsim.https;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.hubsim.auth.TokenValidator;
import dev.hubsim.registry.Hub;
import dev.hubsim.registry.Permission;
import dev.hubsim.twin.TwinException;
import dev.hubsim.twin.TwinKey;
import dev.hubsim.twin.TwinState;
import dev.hubsim.twin.Twins;
import dev.hubsim.twin.query.QueryException;
import dev.hubsim.twin.query.QueryPage;
import dev.hubsim.twin.query.TwinQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@code POST /devices/query} (reference/iothub-twin-methods-mqtt.md §5.5): the body {@code {"query":"..."}}, the page
 * size in {@code x-ms-max-item-count}, the previous page's {@code x-ms-continuation}; the answer a JSON array of twin
 * documents as {@code GET /twins} shows them, with {@code x-ms-continuation} only while more pages remain (the Java
 * SDK stops when it is absent, Node loops on an empty one) and {@code x-ms-item-type: Twin} (.NET parses it). A query
 * outside the subset, a bad page size or continuation token gets 400 {@code BadRequest} (the reference gives no code).
 * Needs ServiceConnect or RegistryRead, as reading a twin does.
 */
final class QueryApi extends NamedTransformer {
    public static final String NAME = "hubsim-query";
    static final String PATH = "/devices/query";
    static final String PAGE_SIZE = "x-ms-max-item-count";
    static final String CONTINUATION = "x-ms-continuation";
    private static final Logger LOG = LoggerFactory.getLogger(QueryApi.class);

    private final Hub hub;
    private final TokenValidator tokens;
    private final Twins twins;
    private final Function<TwinState, ObjectNode> render;

    /** @param render a twin as the service API shows it ({@link TwinApi}'s document) */
    QueryApi(Hub hub, TokenValidator tokens, Twins twins, Function<TwinState, ObjectNode> render) {
        super(NAME);
        this.hub = hub;
        this.tokens = tokens;
        this.twins = twins;
        this.render = render;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
        Request request = serveEvent.getRequest();
        ResponseDefinition refusal = HttpAuth.checkAny(request, tokens, Permission.SERVICE_CONNECT, Permission.REGISTRY_READ);
        if (refusal != null) {
            return refusal;
        }
        String text = null;
        try {
            text = queryText(request);
            TwinQuery query = TwinQuery.parse(text);
            QueryPage page = query.page(keys(), this::document, TwinQuery.pageSize(request.getHeader(PAGE_SIZE)), request.getHeader(CONTINUATION));
            ArrayNode body = Json.MAPPER.createArrayNode();
            page.items().forEach(body::add);
            ResponseDefinitionBuilder answer = ResponseDefinitionBuilder.responseDefinition().withStatus(200)
                    .withHeader("Content-Type", "application/json; charset=utf-8").withHeader("x-ms-item-type", "Twin").withBody(Json.write(body));
            if (page.continuation() != null) {
                answer = answer.withHeader(CONTINUATION, page.continuation());
            }
            return answer.build();
        } catch (QueryException e) {
            LOG.info("query refused (400 BadRequest): {} (query: {})", e.getMessage(), text);
            return HubHttpErrors.error(400, "BadRequest", e.getMessage());
        }
    }

    private static String queryText(Request request) {
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(request.getBody());
        } catch (java.io.IOException e) {
            body = null;
        }
        JsonNode query = body == null ? null : body.get("query");
        if (query == null || !query.isTextual()) {
            throw new QueryException("The request body must be a JSON object {\"query\":\"<query text>\"}");
        }
        return query.textValue();
    }

    /** Every device's and module's twin key; the query keeps its collection's. */
    private List<TwinKey> keys() {
        List<TwinKey> keys = new ArrayList<>();
        hub.registry().devices().forEach(d -> keys.add(TwinKey.device(d.deviceId())));
        hub.registry().modules().all().forEach(m -> keys.add(TwinKey.module(m.deviceId(), m.moduleId())));
        return keys;
    }

    private JsonNode document(TwinKey key) {
        try {
            return render.apply(twins.get(key));
        } catch (TwinException e) {
            return null; // deleted since the listing
        }
    }
}
