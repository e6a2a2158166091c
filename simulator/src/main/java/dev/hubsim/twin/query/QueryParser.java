package dev.hubsim.twin.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hubsim.twin.query.QueryLexer.Kind;
import dev.hubsim.twin.query.QueryLexer.Token;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The hub's subset of the IoT Hub query language (reference/iothub-twin-methods-mqtt.md §5.5), by recursive descent:
 * {@code SELECT * FROM devices | devices.modules [WHERE condition]}, a condition being comparisons joined by
 * {@code AND}, {@code OR}, {@code NOT} and parentheses. Keywords and the root members are case-insensitive; member
 * names below {@code tags} and {@code properties.desired|reported} are matched as written.
 */
final class QueryParser {
    static final String SUBSET = "hubsim supports only SELECT * FROM devices or devices.modules, optionally with WHERE comparisons "
            + "(=, !=, <>, <, <=, >, >=) of deviceId, moduleId, status, connectionState, tags.*, properties.desired.* or "
            + "properties.reported.* with a string, number or boolean literal, joined by AND, OR, NOT and parentheses";
    /** Root members that are a value, by their lower-case name. */
    private static final Map<String, String> VALUES = Map.of("deviceid", "deviceId", "moduleid", "moduleId", "status", "status",
            "connectionstate", "connectionState");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final List<Token> tokens;
    private int next;

    private QueryParser(String text) {
        this.tokens = QueryLexer.tokens(text);
    }

    static TwinQuery parse(String text) {
        QueryParser p = new QueryParser(text);
        return p.query(text);
    }

    private TwinQuery query(String text) {
        if (!peek().is("SELECT")) {
            throw unsupported(peek().kind() == Kind.END ? "An empty query" : "A query starting with " + peek().shown());
        }
        take();
        if (peek().kind() != Kind.STAR) {
            if (peek().kind() == Kind.WORD && at(1).kind() == Kind.OPEN) {
                throw unsupported("'" + peek().text().toUpperCase(Locale.ROOT) + "()' in the SELECT list");
            }
            throw unsupported("The SELECT list starting with " + peek().shown() + " (projections)");
        }
        take();
        expectKeyword("FROM");
        TwinQuery.From from = from();
        Condition where = new Condition.All();
        if (peek().is("WHERE")) {
            take();
            where = or();
        }
        Token t = peek();
        if (t.is("GROUP") || t.is("ORDER")) {
            throw unsupported("'" + t.text().toUpperCase(Locale.ROOT) + " BY'");
        }
        if (t.kind() != Kind.END) {
            throw syntax(where instanceof Condition.All ? "WHERE or the end of the query" : "AND, OR or the end of the query");
        }
        return new TwinQuery(text, from, where);
    }

    private TwinQuery.From from() {
        Token collection = peek();
        if (!collection.is("devices")) {
            throw collection.kind() == Kind.WORD ? unsupported("'FROM " + collection.text() + "'") : syntax("devices or devices.modules");
        }
        take();
        if (peek().kind() != Kind.DOT) {
            return TwinQuery.From.DEVICES;
        }
        take();
        Token member = peek();
        if (member.is("modules")) {
            take();
            return TwinQuery.From.MODULES;
        }
        throw member.kind() == Kind.WORD ? unsupported("'FROM devices." + member.text() + "'") : syntax("modules");
    }

    private Condition or() {
        Condition c = and();
        while (peek().is("OR")) {
            take();
            c = new Condition.Or(c, and());
        }
        return c;
    }

    private Condition and() {
        Condition c = not();
        while (peek().is("AND")) {
            take();
            c = new Condition.And(c, not());
        }
        return c;
    }

    private Condition not() {
        if (peek().is("NOT")) {
            take();
            return new Condition.Not(not());
        }
        if (peek().kind() == Kind.OPEN) {
            take();
            Condition inner = or();
            if (peek().kind() != Kind.CLOSE) {
                throw syntax("AND, OR or ')'");
            }
            take();
            return inner;
        }
        return comparison();
    }

    private Condition comparison() {
        Token first = peek();
        if (first.kind() == Kind.WORD && at(1).kind() == Kind.OPEN) {
            throw unsupported("The function '" + first.text() + "()'");
        }
        if (first.kind() != Kind.WORD || isLiteralWord(first)) {
            throw syntax("a property such as tags.location or properties.reported.firmware");
        }
        List<String> path = path();
        Token op = peek();
        if (op.is("IN") || op.is("NIN") || op.is("IS") || op.is("LIKE") || op.is("BETWEEN")) {
            throw unsupported("'" + op.text().toUpperCase(Locale.ROOT) + "'");
        }
        if (op.kind() != Kind.OPERATOR) {
            throw syntax("a comparison operator (=, !=, <>, <, <=, >, >=) after '" + String.join(".", path) + "'");
        }
        take();
        return new Condition.Compare(path, op.text(), literal());
    }

    private List<String> path() {
        List<String> path = new ArrayList<>();
        Token root = take();
        path.add(root.text());
        while (peek().kind() == Kind.DOT) {
            take();
            if (peek().kind() != Kind.WORD) {
                throw syntax("a member name after '.'");
            }
            path.add(take().text());
        }
        String head = root.text().toLowerCase(Locale.ROOT);
        String shown = String.join(".", path);
        if (VALUES.containsKey(head)) {
            if (path.size() > 1) {
                throw unsupported("'" + shown + "' ('" + VALUES.get(head) + "' has no members)");
            }
            return List.of(VALUES.get(head));
        }
        if (head.equals("tags") && path.size() >= 2) {
            path.set(0, "tags");
            return path;
        }
        if (head.equals("properties") && path.size() >= 3) {
            String section = path.get(1).toLowerCase(Locale.ROOT);
            if (section.equals("desired") || section.equals("reported")) {
                path.set(0, "properties");
                path.set(1, section);
                return path;
            }
        }
        throw unsupported("Querying '" + shown + "'");
    }

    private JsonNode literal() {
        Token t = take();
        return switch (t.kind()) {
            case STRING -> NODES.textNode((String) t.value());
            case NUMBER -> NODES.numberNode((BigDecimal) t.value());
            case WORD -> {
                if (t.is("true") || t.is("false")) {
                    yield NODES.booleanNode(t.is("true"));
                }
                if (t.is("null")) {
                    throw unsupported("Comparing with null");
                }
                throw unsupported("Comparing with '" + t.text() + "' (only string, number and boolean literals are)");
            }
            default -> {
                next--;
                throw syntax("a string, number or boolean literal");
            }
        };
    }

    private static boolean isLiteralWord(Token t) {
        return t.is("true") || t.is("false") || t.is("null");
    }

    private void expectKeyword(String keyword) {
        if (!peek().is(keyword)) {
            throw syntax(keyword);
        }
        take();
    }

    private Token peek() {
        return tokens.get(next);
    }

    private Token at(int ahead) {
        return tokens.get(Math.min(next + ahead, tokens.size() - 1));
    }

    private Token take() {
        Token t = tokens.get(next);
        if (t.kind() != Kind.END) {
            next++;
        }
        return t;
    }

    private QueryException syntax(String expected) {
        Token t = peek();
        return new QueryException("Syntax error at position " + t.position() + ": expected " + expected + ", found " + t.shown());
    }

    private static QueryException unsupported(String what) {
        return new QueryException(what + " is not supported: " + SUBSET);
    }
}
