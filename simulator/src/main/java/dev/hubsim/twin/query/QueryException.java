package dev.hubsim.twin.query;

/** A query, page size or continuation token the hub does not accept; the message says what and why (HTTP 400 on the wire). */
public final class QueryException extends RuntimeException {
    public QueryException(String message) {
        super(message);
    }
}
