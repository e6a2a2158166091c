package dev.hubsim.twin.query;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Splits a query into tokens; positions are 1-based, for the messages. */
final class QueryLexer {
    enum Kind { WORD, STRING, NUMBER, STAR, DOT, COMMA, OPEN, CLOSE, OPERATOR, OTHER, END }

    record Token(Kind kind, String text, Object value, int position) {
        boolean is(String keyword) {
            return kind == Kind.WORD && text.equalsIgnoreCase(keyword);
        }

        /** How a message shows it. */
        String shown() {
            return kind == Kind.END ? "the end of the query" : "'" + text + "'";
        }
    }

    private QueryLexer() {
    }

    static List<Token> tokens(String q) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < q.length()) {
            char c = q.charAt(i);
            int start = i;
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (Character.isLetter(c) || c == '_' || c == '$') {
                while (i < q.length() && (Character.isLetterOrDigit(q.charAt(i)) || q.charAt(i) == '_' || q.charAt(i) == '$')) {
                    i++;
                }
                out.add(new Token(Kind.WORD, q.substring(start, i), null, start + 1));
            } else if (c == '\'' || c == '"') {
                StringBuilder s = new StringBuilder();
                i++;
                while (i < q.length() && q.charAt(i) != c) {
                    // A backslash takes the next character as it is (\' inside '...', \\ for a backslash).
                    if (q.charAt(i) == '\\' && i + 1 < q.length()) {
                        i++;
                    }
                    s.append(q.charAt(i++));
                }
                if (i >= q.length()) {
                    throw new QueryException("Syntax error: the string starting at position " + (start + 1) + " has no closing " + c);
                }
                i++;
                out.add(new Token(Kind.STRING, q.substring(start, i), s.toString(), start + 1));
            } else if (Character.isDigit(c) || (c == '-' && i + 1 < q.length() && Character.isDigit(q.charAt(i + 1)))) {
                i++;
                while (i < q.length() && (Character.isLetterOrDigit(q.charAt(i)) || q.charAt(i) == '.'
                        || ((q.charAt(i) == '-' || q.charAt(i) == '+') && (q.charAt(i - 1) == 'e' || q.charAt(i - 1) == 'E')))) {
                    i++;
                }
                String text = q.substring(start, i);
                try {
                    out.add(new Token(Kind.NUMBER, text, new BigDecimal(text), start + 1));
                } catch (NumberFormatException e) {
                    throw new QueryException("Syntax error: '" + text + "' at position " + (start + 1) + " is not a number");
                }
            } else if (c == '!' || c == '<' || c == '>' || c == '=') {
                i++;
                if (i < q.length() && (q.charAt(i) == '=' || (c == '<' && q.charAt(i) == '>'))) {
                    i++;
                }
                out.add(new Token(q.substring(start, i).equals("!") ? Kind.OTHER : Kind.OPERATOR, q.substring(start, i), null, start + 1));
            } else {
                i++;
                Kind kind = switch (c) {
                    case '*' -> Kind.STAR;
                    case '.' -> Kind.DOT;
                    case ',' -> Kind.COMMA;
                    case '(' -> Kind.OPEN;
                    case ')' -> Kind.CLOSE;
                    default -> Kind.OTHER;
                };
                out.add(new Token(kind, String.valueOf(c), null, start + 1));
            }
        }
        out.add(new Token(Kind.END, "", null, q.length() + 1));
        return out;
    }
}
