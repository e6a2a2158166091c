package dev.hubsim.amqp;

import org.apache.qpid.proton.codec.DecodeException;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.engine.TransportDecodeException;
import org.apache.qpid.proton.engine.TransportException;
import org.apache.qpid.proton.engine.impl.TransportImpl;
import org.apache.qpid.proton.engine.impl.TransportInput;
import org.apache.qpid.proton.engine.impl.TransportInternal;
import org.apache.qpid.proton.engine.impl.TransportLayer;
import org.apache.qpid.proton.engine.impl.TransportOutput;
import org.apache.qpid.proton.engine.impl.TransportWrapper;

import java.nio.ByteBuffer;

/**
 * The outermost layer of a connection's Proton-J transport: the first input the layers beneath cannot parse ends the
 * transport's input for good.
 * <p>
 * Proton-J 0.34.1's SASL frame parser reports bad input only by throwing: it neither closes the transport's tail nor
 * tells the transport, and keeps the unread bytes in its input buffer, so {@code capacity()} stays positive. Artemis
 * 2.55.0's {@code ProtonHandler.inputBuffer} then never returns: it limits the tail to {@code min(capacity, readable)}
 * as if the tail were empty, which copies nothing once the kept bytes reach that mark, and processes again, for ever,
 * on the event loop (docs/upstream/proton-j-sasl-spin.md). Proton-J's AMQP frame parser does it right: it closes the
 * tail and reports the error to the transport. This layer does the same for a {@link TransportException} from any
 * layer beneath, and for an exception out of Proton-J's decoder (the connection then fails with
 * {@code amqp:connection:framing-error} or {@code amqp:decode-error}, and Artemis closes its socket); any other
 * exception also closes the tail and goes on to Artemis, which reports it as {@code amqp:internal-error} as before.
 * Closing the tail makes {@code capacity()} negative, which ends Artemis' loop.
 */
final class UnreadableInputGuard implements TransportLayer {
    private final TransportImpl transport;

    private UnreadableInputGuard(TransportImpl transport) {
        this.transport = transport;
    }

    /** Wraps the transport's current layers (SASL included): call once they are set, before any input is processed. */
    static void install(Transport transport) {
        ((TransportInternal) transport).addTransportLayer(new UnreadableInputGuard((TransportImpl) transport));
    }

    /** Whether the first frame outside the JDK is Proton-J's codec: the input could not be decoded. */
    static boolean thrownByTheDecoder(RuntimeException e) {
        for (StackTraceElement frame : e.getStackTrace()) {
            String type = frame.getClassName();
            if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.")) {
                return type.startsWith("org.apache.qpid.proton.codec.");
            }
        }
        return false;
    }

    @Override
    public TransportWrapper wrap(TransportInput input, TransportOutput output) {
        return new Guarded(input, output);
    }

    private final class Guarded implements TransportWrapper {
        private final TransportInput input;
        private final TransportOutput output;
        private boolean failed;

        Guarded(TransportInput input, TransportOutput output) {
            this.input = input;
            this.output = output;
        }

        @Override
        public int capacity() {
            return failed ? Transport.END_OF_STREAM : input.capacity();
        }

        @Override
        public int position() {
            return failed ? Transport.END_OF_STREAM : input.position();
        }

        @Override
        public ByteBuffer tail() throws TransportException {
            if (failed) {
                throw new TransportException("tail closed after unreadable input");
            }
            return input.tail();
        }

        @Override
        public void process() throws TransportException {
            if (failed) {
                return;
            }
            try {
                input.process();
            } catch (TransportException e) {
                failed = true;
                transport.closed(e); // sets the condition and posts TRANSPORT_ERROR, as Proton-J's AMQP frame parser does
            } catch (RuntimeException e) {
                failed = true;
                if (!thrownByTheDecoder(e)) {
                    throw e;
                }
                // Proton-J's decoder lets some bad input escape as an IllegalArgumentException and the like, not a DecodeException.
                transport.closed(new TransportDecodeException(e.toString(), new DecodeException(e.toString(), e)));
            }
        }

        @Override
        public void close_tail() {
            if (!failed) {
                input.close_tail();
            }
        }

        @Override
        public int pending() {
            return output.pending();
        }

        @Override
        public ByteBuffer head() {
            return output.head();
        }

        @Override
        public void pop(int bytes) {
            output.pop(bytes);
        }

        @Override
        public void close_head() {
            output.close_head();
        }
    }
}
