package dev.hubsim;

/** A port the simulator was told to use is taken; the message names the option that picks another. */
public class PortInUseException extends RuntimeException {
    public PortInUseException(String message, Throwable cause) {
        super(message, cause);
    }
}
