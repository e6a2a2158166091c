package dev.hubsim.amqp.link;

import dev.hubsim.errors.Condition;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** The hub's conditions as AMQP symbols, and the descriptions only the AMQP face sends (link addresses, claims). */
public final class AmqpErrors {
    private AmqpErrors() {
    }

    private static final Map<Condition, Symbol> SYMBOLS = new EnumMap<>(Condition.class);

    static {
        for (Condition c : Condition.values()) {
            SYMBOLS.put(c, Symbol.valueOf(c.wireName()));
        }
    }

    public static final Symbol UNAUTHORIZED_ACCESS = symbol(Condition.UNAUTHORIZED_ACCESS);
    public static final Symbol NOT_ALLOWED = symbol(Condition.NOT_ALLOWED);
    public static final Symbol NOT_FOUND = symbol(Condition.NOT_FOUND);
    public static final Symbol INVALID_FIELD = symbol(Condition.INVALID_FIELD);
    public static final Symbol INTERNAL_ERROR = symbol(Condition.INTERNAL_ERROR);
    public static final Symbol MESSAGE_SIZE_EXCEEDED = symbol(Condition.MESSAGE_SIZE_EXCEEDED);
    public static final Symbol RESOURCE_LIMIT_EXCEEDED = symbol(Condition.RESOURCE_LIMIT_EXCEEDED);
    public static final Symbol TRANSFER_LIMIT_EXCEEDED = symbol(Condition.TRANSFER_LIMIT_EXCEEDED);
    public static final Symbol ARGUMENT_ERROR = symbol(Condition.ARGUMENT_ERROR);
    public static final Symbol LINK_REDIRECT = symbol(Condition.LINK_REDIRECT);

    public static Symbol symbol(Condition condition) {
        return SYMBOLS.get(condition);
    }

    /** A condition given by its wire name (fault injection accepts any symbol, not only the hub's own). */
    public static ErrorCondition error(String wireName, String description) {
        return new ErrorCondition(Symbol.valueOf(wireName), description);
    }

    public static ErrorCondition error(Condition condition, String description) {
        return new ErrorCondition(symbol(condition), description);
    }

    /** An {@code info} map with symbol keys, from the core's string keys. */
    public static Map<Symbol, Object> info(Map<String, Object> info) {
        if (info == null) {
            return null;
        }
        Map<Symbol, Object> out = new LinkedHashMap<>();
        info.forEach((k, v) -> out.put(Symbol.valueOf(k), v));
        return out;
    }

    public static String noDeviceClaim(String address) {
        return "No device claim on this connection covers '" + address + "': put a valid device token on $cbs first, or connect with SASL PLAIN.";
    }

    /** Edge Hub's text for an address no template matches (reference/iothub-amqp.md §4.7). */
    public static String unknownAddress(String address) {
        return "Matching template not found for uri " + address;
    }


    public static String noClaim(String address, String resource) {
        return "No claim on this connection covers '" + address + "': put a valid token for '" + resource
                + "' on $cbs first, or connect with SASL PLAIN.";
    }
}
