package dev.hubsim.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.c2d.FeedbackEncoder;
import dev.hubsim.c2d.FeedbackRecord;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Feedback messages as the hub sends them on {@code /messages/serviceBound/feedback} (reference/iothub-amqp.md §7.6): a
 * JSON array of records in a data section, content type {@code application/vnd.microsoft.iothub.feedback.json},
 * {@code user-id} the hub name.
 */
public final class FeedbackMessages implements FeedbackEncoder {
    public static final String CONTENT_TYPE = "application/vnd.microsoft.iothub.feedback.json";
    /** Made with the first feedback message, not at start (Jackson is a few hundred classes to load). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    @Override
    public byte[] encode(UUID id, String hubName, List<FeedbackRecord> records, Instant now) {
        Message message = Proton.message();
        Properties properties = new Properties();
        properties.setMessageId(id.toString());
        properties.setContentType(Symbol.valueOf(CONTENT_TYPE));
        properties.setUserId(new Binary(hubName.getBytes(StandardCharsets.UTF_8)));
        properties.setCreationTime(new Date(now.toEpochMilli()));
        message.setProperties(properties);
        message.setMessageAnnotations(new MessageAnnotations(Map.of(Symbol.valueOf("iothub-enqueuedtime"), new Date(now.toEpochMilli()))));
        try {
            message.setBody(new Data(new Binary(Json.MAPPER.writeValueAsBytes(records))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("feedback records did not serialise", e);
        }
        return Messages.encode(message);
    }
}
