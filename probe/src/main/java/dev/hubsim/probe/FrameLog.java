package dev.hubsim.probe;

import org.apache.qpid.proton.amqp.security.SaslFrameBody;
import org.apache.qpid.proton.engine.impl.ProtocolTracer;
import org.apache.qpid.proton.framing.TransportFrame;

import java.util.ArrayList;
import java.util.List;

/**
 * Every frame one probe connection sent and received, in order, as Proton-J prints them: the evidence a failing
 * scenario quotes. Filled by Proton-J's ProtocolTracer on the client transport.
 */
public final class FrameLog implements ProtocolTracer {
    private static final int MAX_CHARS_PER_FRAME = 600;
    private final List<String> lines = new ArrayList<>();
    private final List<Frame> frames = new ArrayList<>();

    /** One AMQP frame as decoded or sent: its direction, channel and performative (Attach, Transfer, Disposition, ...). */
    public record Frame(boolean received, int channel, Object body) {
    }

    @Override
    public synchronized void receivedFrame(TransportFrame frame) {
        frames.add(new Frame(true, frame.getChannel(), frame.getBody()));
        add("<- [ch " + frame.getChannel() + "] " + frame.getBody());
    }

    @Override
    public synchronized void sentFrame(TransportFrame frame) {
        frames.add(new Frame(false, frame.getChannel(), frame.getBody()));
        add("-> [ch " + frame.getChannel() + "] " + frame.getBody());
    }

    /** The bodies of the AMQP frames received so far (Open, Begin, Attach, ...), in order. */
    public synchronized List<Object> receivedBodies() {
        return frames.stream().filter(Frame::received).map(Frame::body).toList();
    }

    /** How many AMQP frames went either way so far: a mark for {@link #framesSince}. */
    public synchronized int frameCount() {
        return frames.size();
    }

    /** The AMQP frames since a mark, in the order they crossed the wire. */
    public synchronized List<Frame> framesSince(int mark) {
        return List.copyOf(frames.subList(mark, frames.size()));
    }

    @Override
    public synchronized void receivedSaslBody(SaslFrameBody body) {
        add("<- SASL " + body);
    }

    @Override
    public synchronized void sentSaslBody(SaslFrameBody body) {
        add("-> SASL " + body);
    }

    @Override
    public synchronized void receivedHeader(String header) {
        add("<- HEADER " + header);
    }

    @Override
    public synchronized void sentHeader(String header) {
        add("-> HEADER " + header);
    }

    private void add(String line) {
        lines.add(line.length() > MAX_CHARS_PER_FRAME ? line.substring(0, MAX_CHARS_PER_FRAME) + "..." : line);
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** The last {@code count} frames, one per line, for an assertion message. */
    public synchronized String tail(int count) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }
}
