package dev.hubsim.config;

/** A configuration the simulator cannot start with; the message is one line a user can act on. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
