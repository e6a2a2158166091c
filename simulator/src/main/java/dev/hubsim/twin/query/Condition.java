package dev.hubsim.twin.query;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A WHERE condition over a twin document, with the query language's three values: {@code TRUE}, {@code FALSE} and
 * undefined ({@code null}) when a property is missing or its type differs from the literal's, so a missing property
 * matches neither {@code =} nor {@code !=}, and {@code NOT} of undefined stays undefined. Only TRUE selects a twin.
 */
sealed interface Condition {
    Boolean test(JsonNode twin);

    /** {@code path op literal}; {@code path} are the member names from the document's root. */
    record Compare(List<String> path, String operator, JsonNode literal) implements Condition {
        @Override
        public Boolean test(JsonNode twin) {
            JsonNode value = twin;
            for (String member : path) {
                value = value.isObject() ? value.get(member) : null;
                if (value == null) {
                    return null;
                }
            }
            int order;
            if (value.isNumber() && literal.isNumber()) {
                order = value.decimalValue().compareTo(literal.decimalValue());
            } else if (value.isTextual() && literal.isTextual()) {
                order = value.textValue().compareTo(literal.textValue());
            } else if (value.isBoolean() && literal.isBoolean()) {
                if (!operator.equals("=") && !operator.equals("!=") && !operator.equals("<>")) {
                    return null;
                }
                order = value.booleanValue() == literal.booleanValue() ? 0 : 1;
            } else {
                return null;
            }
            return switch (operator) {
                case "=" -> order == 0;
                case "!=", "<>" -> order != 0;
                case "<" -> order < 0;
                case "<=" -> order <= 0;
                case ">" -> order > 0;
                case ">=" -> order >= 0;
                default -> throw new IllegalStateException(operator);
            };
        }
    }

    record And(Condition left, Condition right) implements Condition {
        @Override
        public Boolean test(JsonNode twin) {
            Boolean l = left.test(twin);
            if (Boolean.FALSE.equals(l)) {
                return false;
            }
            Boolean r = right.test(twin);
            if (Boolean.FALSE.equals(r)) {
                return false;
            }
            return l == null || r == null ? null : true;
        }
    }

    record Or(Condition left, Condition right) implements Condition {
        @Override
        public Boolean test(JsonNode twin) {
            Boolean l = left.test(twin);
            if (Boolean.TRUE.equals(l)) {
                return true;
            }
            Boolean r = right.test(twin);
            if (Boolean.TRUE.equals(r)) {
                return true;
            }
            return l == null || r == null ? null : false;
        }
    }

    record Not(Condition inner) implements Condition {
        @Override
        public Boolean test(JsonNode twin) {
            Boolean v = inner.test(twin);
            return v == null ? null : !v;
        }
    }

    /** No WHERE: every twin. */
    record All() implements Condition {
        @Override
        public Boolean test(JsonNode twin) {
            return true;
        }
    }
}
