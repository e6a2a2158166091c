package dev.hubsim.c2d;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Builds one feedback message (what a service receives on the feedback link) from a batch of records. */
@FunctionalInterface
public interface FeedbackEncoder {
    byte[] encode(UUID messageId, String hubName, List<FeedbackRecord> records, Instant now);
}
