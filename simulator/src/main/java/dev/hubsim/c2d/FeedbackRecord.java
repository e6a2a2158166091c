package dev.hubsim.c2d;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/** One element of a feedback message's JSON array (seed iothub-amqp-support.md; reference/iothub-amqp.md §7.6). */
@JsonPropertyOrder({"originalMessageId", "enqueuedTimeUtc", "statusCode", "description", "deviceId", "deviceGenerationId"})
public record FeedbackRecord(String originalMessageId, String enqueuedTimeUtc, FeedbackStatus statusCode, String description,
                             String deviceId, String deviceGenerationId) {
}
