package dev.hubsim.twin.query;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** One page of a query's result: the twin documents, and the token for the next page (null on the last page). */
public record QueryPage(List<JsonNode> items, String continuation) {
    public QueryPage {
        items = List.copyOf(items);
    }
}
