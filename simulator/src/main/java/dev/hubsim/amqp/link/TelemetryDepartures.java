package dev.hubsim.amqp.link;

import dev.hubsim.codec.Messages;
import dev.hubsim.eventhub.EventHubAnnotations;
import dev.hubsim.faults.Deviation;
import dev.hubsim.telemetry.TelemetryAnnotations;
import dev.hubsim.telemetry.TelemetryIngest;
import org.apache.activemq.artemis.protocol.amqp.broker.AMQPMessage;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.message.Message;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/** The telemetry stamp's deviations (test-only, see {@link Deviation}): the stored event departs after stamping. */
final class TelemetryDepartures {
    private TelemetryDepartures() {
    }

    static byte[] stamped(AMQPMessage message, TelemetryIngest.Stamp stamp, Set<Deviation> deviations,
                          BiFunction<AMQPMessage, TelemetryIngest.Stamp, byte[]> documented) {
        byte[] bytes = documented.apply(message, stamp);
        Message event = Messages.decode(bytes);
        Map<Symbol, Object> a = new HashMap<>(event.getMessageAnnotations().getValue());
        if (deviations.contains(Deviation.TELEMETRY_WITHOUT_DEVICE_ID)) {
            a.remove(Symbol.valueOf(TelemetryAnnotations.CONNECTION_DEVICE_ID));
        }
        if (deviations.contains(Deviation.SEQUENCE_NUMBERS_SKIP)) {
            a.put(Symbol.valueOf(EventHubAnnotations.SEQUENCE_NUMBER), stamp.sequenceNumber() * 2);
        }
        if (deviations.contains(Deviation.OFFSET_AS_LONG)) {
            a.put(Symbol.valueOf(EventHubAnnotations.OFFSET), stamp.offset());
        }
        event.setMessageAnnotations(new MessageAnnotations(a));
        if (deviations.contains(Deviation.TELEMETRY_APPLICATION_PROPERTIES_DROPPED)) {
            event.setApplicationProperties(null);
        }
        return Messages.encode(event);
    }
}
