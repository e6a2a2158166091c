package dev.hubsim.conformance.world;

import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedByte;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.UnsignedShort;

import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Turns an observation into a verdict. A failed check names the statements the scenario checks, what was expected
 * and what was observed, and the frames that carried it, so a report reader sees the evidence without rerunning.
 */
public final class Verdicts {
    private final List<String> statementIds;
    private final Supplier<String> frames;

    public Verdicts(List<String> statementIds, Supplier<String> frames) {
        this.statementIds = statementIds;
        this.frames = frames;
    }

    public void expectEqual(String what, Object expected, Object observed) {
        expect(Objects.equals(expected, observed), what, expected, observed);
    }

    public void expect(boolean holds, String what, Object expected, Object observed) {
        if (!holds) {
            throw new AssertionError("[" + String.join(" ", statementIds) + "] " + what + ": expected " + expected
                    + ", observed " + observed + "\nframes:\n" + frames.get());
        }
    }

    /** The AMQP 1.0 type name of a decoded value, as reference/iothub-amqp.md names types. */
    public static String amqpType(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Integer) {
            return "int";
        }
        if (value instanceof Long) {
            return "long";
        }
        if (value instanceof Short) {
            return "short";
        }
        if (value instanceof Byte) {
            return "byte";
        }
        if (value instanceof UnsignedByte) {
            return "ubyte";
        }
        if (value instanceof UnsignedShort) {
            return "ushort";
        }
        if (value instanceof UnsignedInteger) {
            return "uint";
        }
        if (value instanceof UnsignedLong) {
            return "ulong";
        }
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Symbol) {
            return "symbol";
        }
        if (value instanceof UUID) {
            return "uuid";
        }
        if (value instanceof Date) {
            return "timestamp";
        }
        if (value instanceof Binary) {
            return "binary";
        }
        return value.getClass().getSimpleName();
    }

    /** "value (type)" for messages: 200 (long) reads at once as the wrong type. */
    public static String typed(Object value) {
        return value + " (" + amqpType(value) + ")";
    }
}
