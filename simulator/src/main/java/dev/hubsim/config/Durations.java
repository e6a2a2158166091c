package dev.hubsim.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Durations in hub definitions: seconds (decimals allowed), the one unit of the CLI and config files. The ISO 8601
 * fields of earlier versions still work as deprecated aliases, with one warning per field.
 */
final class Durations {
    private static final Logger LOG = LoggerFactory.getLogger(Durations.class);
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();
    /** Ten years: far beyond any timing a test needs, and safe to add to any instant. */
    private static final double MAX_SECONDS = 315_360_000;

    private Durations() {
    }

    /** The duration in {@code seconds} (field {@code name}), or in its deprecated ISO 8601 alias; null when neither. */
    static Duration seconds(String name, Double seconds, String isoName, String iso) {
        if (seconds != null && iso != null) {
            throw new ConfigException("give " + name + " or the deprecated " + isoName + ", not both");
        }
        if (iso != null) {
            deprecated(isoName, name);
            try {
                return Duration.parse(iso);
            } catch (DateTimeParseException e) {
                throw new ConfigException(isoName + " '" + iso + "' is not an ISO 8601 duration such as PT1H or PT30S (better: " + name + ", in seconds)");
            }
        }
        if (seconds == null) {
            return null;
        }
        if (!(seconds > 0) || !(seconds <= MAX_SECONDS)) {
            throw new ConfigException(name + " " + seconds + " must be a positive number of seconds, at most " + (long) MAX_SECONDS + " (10 years)");
        }
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    static void deprecated(String oldName, String newName) {
        if (WARNED.add(oldName)) {
            LOG.warn("config field '{}' is deprecated; use '{}' (seconds)", oldName, newName);
        }
    }
}
