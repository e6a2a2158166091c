package dev.hubsim.client;

/** A synchronous error of an API call, as the imp runtime raises one (e.g. a limit reached); the message is exact. */
public class AmqpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AmqpException(String message) {
        super(message);
    }
}
