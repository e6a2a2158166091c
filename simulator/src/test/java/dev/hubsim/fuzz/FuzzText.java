package dev.hubsim.fuzz;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.List;

/**
 * Text generators shared by the decoder fuzz properties: random strings weighted towards the characters the decoders
 * split on, plus lone surrogates and control characters a hostile peer could send.
 */
public final class FuzzText {
    private FuzzText() {
    }

    /** Any string up to {@code max} chars, full UTF-16 range (lone surrogates included). */
    public static Arbitrary<String> anyString(int max) {
        return Arbitraries.strings().all().ofMaxLength(max);
    }

    /** Strings made mostly of the given syntax characters, so splitting and matching code is exercised. */
    public static Arbitrary<String> syntaxHeavy(String syntax, int max) {
        Arbitrary<Character> chars = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.of(toChars(syntax))),
                net.jqwik.api.Tuple.of(3, Arbitraries.chars().alpha().numeric()),
                net.jqwik.api.Tuple.of(1, Arbitraries.chars().all()));
        return chars.list().ofMaxSize(max).map(FuzzText::join);
    }

    /** One of the inputs, or it with one random edit (insert, delete or replace a char). */
    public static Arbitrary<String> mutated(Arbitrary<String> valid) {
        return Combinators.combine(valid, Arbitraries.integers().between(0, 3), Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.chars().all()).as((s, op, at, c) -> {
                    if (s.isEmpty() || op == 0) {
                        return s;
                    }
                    int i = at % s.length();
                    return switch (op) {
                        case 1 -> s.substring(0, i) + c + s.substring(i);
                        case 2 -> s.substring(0, i) + s.substring(i + 1);
                        default -> s.substring(0, i) + c + s.substring(i + 1);
                    };
                });
    }

    /** A string with random letter case, for parsers that must ignore case. */
    public static Arbitrary<String> randomCase(String s) {
        return Arbitraries.longs().map(seed -> {
            StringBuilder b = new StringBuilder(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                b.append((seed >> (i % 64) & 1) == 1 ? Character.toUpperCase(c) : Character.toLowerCase(c));
            }
            return b.toString();
        });
    }

    private static List<Character> toChars(String s) {
        return s.chars().mapToObj(c -> (char) c).toList();
    }

    private static String join(List<Character> chars) {
        StringBuilder b = new StringBuilder(chars.size());
        chars.forEach(b::append);
        return b.toString();
    }
}
