package dev.hubsim.auth;



/** The answer to a presented token: a claim, or a refusal naming the failure, with its status code and description. */
public sealed interface TokenVerdict {
    record Granted(Claim claim) implements TokenVerdict {
    }

    /** Each way a token can fail, with the one status code every face answers it with (CBS and $management as is). */
    enum Failure {
        /** Not a SAS token at all (reference/iothub-amqp.md §3.5: "does not contain a valid token"). */
        MALFORMED(400),
        /** Signed for, or presented for, a host this endpoint is not. */
        WRONG_HOST(401),
        /** The audience lies outside the token's {@code sr}. */
        OUTSIDE_SCOPE(401),
        /** No such device, module or policy here, or a token that names none. */
        UNKNOWN_IDENTITY(401),
        /** The policy lacks the permission the endpoint needs. */
        MISSING_PERMISSION(401),
        INVALID_SIGNATURE(401),
        EXPIRED(401),
        DEVICE_DISABLED(401),
        /** One claim too many on the connection (IoT Hub's IotHubMaxCbsTokenExceeded). */
        TOO_MANY_CLAIMS(403),
        /** Over the tier's rate of new device connections, or throttled by fault injection (IoT Hub's 429 family). */
        THROTTLED(429);

        private final int statusCode;

        Failure(int statusCode) {
            this.statusCode = statusCode;
        }

        public int statusCode() {
            return statusCode;
        }
    }

    /**
     * @param failure     what was wrong; decides the status code
     * @param description what exactly was wrong, never the key
     */
    record Refused(Failure failure, String description) implements TokenVerdict {
        public int statusCode() {
            return failure.statusCode();
        }
    }
}
