package dev.hubsim.client;

import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.SslDomain;
import org.apache.qpid.proton.message.Message;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The imp agent's {@code amqp} object on Qpid Proton-J: one instance is one agent, with its own limits (4
 * connections, 16 sessions, 64 links) and message credit (40, +2/s), and one event-loop thread on which every
 * callback runs. Objects are returned at once and open asynchronously; OPEN events follow the broker's answer.
 *
 * <p>Subclasses may override the protected steps (used by the conformance kit's deliberately broken variants).
 */
public class Amqp implements AutoCloseable {
    private static final int RECEIVER_CREDIT = 20;

    private final SSLContext trust;
    private final String containerId;
    private final Selector selector;
    private final Thread loop;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<AmqpConnection> connections = new ArrayList<>();
    private volatile boolean stopped;

    // Slots and message credit: taken in the caller's thread, so the limit errors are synchronous as in the imp runtime.
    private int connectionSlots;
    private int sessionSlots;
    private int linkSlots;
    private double rateCredit = ImpLimits.RATE_CAPACITY;
    private long rateStamp = System.nanoTime();

    public Amqp() {
        this(defaultTrust(), null);
    }

    /**
     * @param trust       the TLS context for amqps:// URLs (its trust managers decide which servers are trusted)
     * @param containerId the AMQP container-id of every connection; null for a fresh one per agent
     */
    public Amqp(SSLContext trust, String containerId) {
        this.trust = trust;
        this.containerId = containerId != null ? containerId : "imp-agent-" + UUID.randomUUID();
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new IllegalStateException("no selector", e);
        }
        this.loop = new Thread(this::run, "amqp-loop-" + this.containerId);
        loop.setDaemon(true);
        loop.start();
    }

    private static SSLContext defaultTrust() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String containerId() {
        return containerId;
    }

    // ---------------------------------------------------------------- the API

    /**
     * Opens a connection to {@code url} ({@code amqps://[user:password@]host[:port]} or {@code amqp://...}): SASL PLAIN
     * when the URL has user info, else ANONYMOUS. Returned at once; CONNECTION_OPEN once the broker answered the Open.
     */
    public AmqpConnection openConnection(String url, EventCallback callback) {
        URI uri = URI.create(url);
        synchronized (this) {
            if (!slotFree(AmqpConnection.class, null)) {
                throw limitReached(ImpLimits.CONNECTION_LIMIT);
            }
            connectionSlots++;
        }
        AmqpConnection c = new AmqpConnection(this, uri, callback);
        execute(() -> startConnection(c));
        return c;
    }

    /** A message with a UTF-8 string body, sent as an AMQP value; property values are converted (see {@link #convertProperty}). */
    public AmqpMessage createMessage(String body, Map<String, ?> properties) {
        return new AmqpMessage(body, null, convertProperties(properties));
    }

    public AmqpMessage createMessage(String body) {
        return createMessage(body, Map.of());
    }

    /** A message with a binary body, sent as a data section. */
    public AmqpMessage createBinaryMessage(byte[] body, Map<String, ?> properties) {
        return new AmqpMessage(null, body, convertProperties(properties));
    }

    /** Stops the loop after releasing every connection. */
    @Override
    public void close() {
        List<AmqpConnection> open;
        synchronized (connections) {
            open = new ArrayList<>(connections);
        }
        for (AmqpConnection c : open) {
            release(c);
        }
        execute(() -> stopped = true);
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    AmqpSession openSession(AmqpConnection connection, EventCallback callback) {
        synchronized (this) {
            if (!slotFree(AmqpSession.class, connection)) {
                throw limitReached(ImpLimits.SESSION_LIMIT);
            }
            sessionSlots++;
        }
        AmqpSession s = new AmqpSession(this, connection, callback);
        connection.children.add(s);
        execute(() -> startSession(s));
        return s;
    }

    AmqpSender openSender(AmqpSession session, String path, EventCallback callback) {
        takeLinkSlot(session, AmqpSender.class, ImpLimits.SENDER_LIMIT);
        AmqpSender s = new AmqpSender(this, session, path, callback);
        session.children.add(s);
        execute(() -> startLink(s, path));
        return s;
    }

    AmqpReceiver openReceiver(AmqpSession session, String path, EventCallback callback, MessageCallback messageCallback) {
        takeLinkSlot(session, AmqpReceiver.class, ImpLimits.RECEIVER_LIMIT);
        AmqpReceiver r = new AmqpReceiver(this, session, path, callback, messageCallback);
        session.children.add(r);
        execute(() -> startLink(r, path));
        return r;
    }

    private synchronized void takeLinkSlot(AmqpSession session, Class<?> kind, String error) {
        if (!slotFree(kind, session)) {
            throw limitReached(error);
        }
        linkSlots++;
    }

    void send(AmqpTransfer transfer, TransferCallback callback) {
        if (!takeRateCredit()) {
            throw limitReached(ImpLimits.RATE_EXCEEDED);
        }
        transfer.callback = callback;
        execute(() -> {
            AmqpSender sender = transfer.sender;
            if (sender.released || sender.ended) {
                safely(() -> callback.onSent(null, "sender closed before the transfer went out"));
                return;
            }
            sender.queue.addLast(transfer);
            pump(sender);
            flush(sender.connection());
        });
    }

    /** Settles a received delivery with the state the application chose (accept, reject, release). */
    protected void settle(AmqpReceiver receiver, Delivery delivery, DeliveryState state) {
        execute(() -> {
            delivery.disposition(state);
            delivery.settle();
            Receiver link = (Receiver) receiver.endpoint;
            if (link.getCredit() < RECEIVER_CREDIT / 2) {
                link.flow(RECEIVER_CREDIT - link.getCredit());
            }
            flush(receiver.connection());
        });
    }

    void release(AmqpObject o) {
        if (o.released) {
            return;
        }
        markReleased(o);
        execute(() -> {
            closeEndpoint(o);
            flush(o.connection());
        });
    }

    // ---------------------------------------------------------------- protected steps (the broken variants override these)

    /**
     * Whether one more object of this kind may be opened (on {@code parent}): the imp limits count per agent, so the
     * parent does not matter here. {@code kind} is AmqpConnection, AmqpSession, AmqpSender or AmqpReceiver (the two
     * link kinds share the 64 link slots).
     */
    protected synchronized boolean slotFree(Class<?> kind, AmqpObject parent) {
        if (kind == AmqpConnection.class) {
            return connectionSlots < ImpLimits.MAX_CONNECTIONS;
        }
        return kind == AmqpSession.class ? sessionSlots < ImpLimits.MAX_SESSIONS : linkSlots < ImpLimits.MAX_LINKS;
    }

    /** Whether the object is open: it reported OPEN, nothing closed it since, and its parent is open. */
    protected boolean isOpen(AmqpObject o) {
        // The parent counts at once: a release closes the children on the loop thread a moment later.
        return o.open && (o.parent == null || isOpen(o.parent));
    }

    /** The callback that hears the object's events: its own, else the one registered with openConnection. */
    protected EventCallback callbackOf(AmqpObject o) {
        if (o.callback != null) {
            return o.callback;
        }
        EventCallback connection = o.connection().callback;
        return connection != null ? connection : (e, d) -> { };
    }

    /** The address a link attaches to for the path the application gave: the path as given. */
    protected String address(String path) {
        return path;
    }

    /** A message arrived on a receiver; called before the message callback. The application settles it, not the client. */
    protected void arrived(AmqpReceiver receiver, AmqpDelivery delivery) {
    }

    /** The error an API call raises when a limit is reached; {@code message} is the exact imp string. */
    protected AmqpException limitReached(String message) {
        return new AmqpException(message);
    }

    /** Takes one message credit: 40 at most, regenerating 2 per second. */
    protected synchronized boolean takeRateCredit() {
        long now = System.nanoTime();
        rateCredit = Math.min(ImpLimits.RATE_CAPACITY, rateCredit + (now - rateStamp) / 1e9 * ImpLimits.RATE_PER_SECOND);
        rateStamp = now;
        if (rateCredit < 1) {
            return false;
        }
        rateCredit -= 1;
        return true;
    }

    /** Integers (to 32 bits, else 64), floats, booleans and strings pass; anything else becomes its string. */
    protected Object convertProperty(Object value) {
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).intValue();
        }
        if (value instanceof Long l) {
            return l == l.intValue() ? (Object) l.intValue() : l;
        }
        if (value instanceof Double || value instanceof Float || value instanceof Boolean || value instanceof String) {
            return value;
        }
        return String.valueOf(value);
    }

    /** A string body is an AMQP value; a binary body a data section. */
    protected Section encodeBody(AmqpMessage message) {
        return message.isBinary() ? new Data(new Binary(message.binaryBody())) : new AmqpValue(message.body());
    }

    /** Sends queued transfers, oldest first, while the link has credit. */
    protected void pump(AmqpSender sender) {
        Sender link = (Sender) sender.endpoint;
        while (link != null && !sender.queue.isEmpty() && link.getCredit() > 0) {
            transmit(sender, sender.queue.pollFirst());
        }
    }

    /** Called on the loop once the local Open, Begin or Attach was issued; the broker has not answered yet. */
    protected void localOpened(AmqpObject o) {
    }

    /** Called on the loop when the broker answered; a link answered with a null terminus is a refusal: its detach follows. */
    protected void remoteOpened(AmqpObject o) {
        // A refusal (Open then Close, Begin then End, Attach with a null terminus then Detach) is no OPEN: the close follows.
        if (o.endpoint.getRemoteState() == EndpointState.CLOSED || o.endpoint instanceof Link link && refused(link)) {
            return;
        }
        opened(o);
    }

    /** Closes the children of a released object before the object itself. */
    protected void closeChildren(AmqpObject o) {
        for (AmqpObject child : o.children) {
            markReleased(child);
            closeEndpoint(child);
        }
    }

    /** Delivers one event to the object's callback. */
    protected void emit(AmqpObject o, String event, String errorDetail) {
        EventCallback cb = callbackOf(o);
        safely(() -> cb.onEvent(event, errorDetail));
    }

    // ---------------------------------------------------------------- helpers for the steps

    /** The callback the application passed when it opened the object, or null. */
    protected static EventCallback ownCallback(AmqpObject o) {
        return o.callback;
    }

    /** Whether the application released the object (itself or through a parent's release). */
    protected static boolean released(AmqpObject o) {
        return o.released;
    }

    /** The sessions of a connection, the links of a session. */
    protected static List<AmqpObject> children(AmqpObject o) {
        return o.children;
    }

    /** The Proton-J link of a sender (null before it started), for subclasses that change how transfers go out. */
    protected static Sender link(AmqpSender sender) {
        return (Sender) sender.endpoint;
    }

    /** A sender's waiting transfers, oldest first; touch only on the loop thread. */
    protected static java.util.Deque<AmqpTransfer> queue(AmqpSender sender) {
        return sender.queue;
    }

    /** Marks the object open and emits its OPEN event, once. */
    protected final void opened(AmqpObject o) {
        if (o.openEmitted || o.released || o.ended) {
            return;
        }
        o.openEmitted = true;
        o.open = true;
        emit(o, o.kind() + "_OPEN", null);
    }

    protected static boolean refused(Link link) {
        return link instanceof Sender ? link.getRemoteTarget() == null : link.getRemoteSource() == null;
    }

    /** Puts one transfer on the wire (the caller checked credit). */
    protected final void transmit(AmqpSender sender, AmqpTransfer transfer) {
        Sender link = (Sender) sender.endpoint;
        Delivery d = link.delivery(Long.toString(sender.tags++).getBytes(StandardCharsets.US_ASCII));
        d.setContext(transfer);
        Message m = Proton.message();
        m.setBody(encodeBody(transfer.message));
        if (!transfer.message.properties().isEmpty()) {
            m.setApplicationProperties(new ApplicationProperties(new LinkedHashMap<>(transfer.message.properties())));
        }
        byte[] buffer = new byte[4096];
        int n;
        while (true) {
            try {
                n = m.encode(buffer, 0, buffer.length);
                break;
            } catch (java.nio.BufferOverflowException e) {
                buffer = new byte[buffer.length * 4];
            }
        }
        link.send(buffer, 0, n);
        link.advance();
    }

    private Map<String, Object> convertProperties(Map<String, ?> properties) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (properties != null) {
            properties.forEach((k, v) -> out.put(String.valueOf(k), convertProperty(v)));
        }
        return out;
    }

    private void markReleased(AmqpObject o) {
        o.released = true;
        o.open = false;
        freeSlot(o);
    }

    /** Frees the object's slot once (released by the application, or closed by the broker). */
    protected synchronized void freeSlot(AmqpObject o) {
        if (o.slotFreed) {
            return;
        }
        o.slotFreed = true;
        if (o instanceof AmqpConnection) {
            connectionSlots--;
        } else if (o instanceof AmqpSession) {
            sessionSlots--;
        } else {
            linkSlots--;
        }
    }

    // ---------------------------------------------------------------- the loop

    /** Runs {@code task} on the loop thread, after the tasks already waiting. */
    protected final void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    private void run() {
        while (!stopped) {
            try {
                selector.select(1000);
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    AmqpConnection c = (AmqpConnection) key.attachment();
                    io(c, key);
                }
                selector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                System.err.println("amqp loop: " + e);
            }
        }
        for (SelectionKey key : selector.keys()) {
            try {
                key.channel().close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // the loop is over either way
        }
    }

    private void startConnection(AmqpConnection c) {
        if (c.released) {
            return;
        }
        synchronized (connections) {
            connections.add(c);
        }
        URI url = c.url;
        boolean tls = !"amqp".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() > 0 ? url.getPort() : tls ? 5671 : 5672;
        c.connection = Proton.connection();
        c.connection.setContext(c);
        c.connection.setContainer(containerId);
        c.connection.setHostname(url.getHost());
        c.transport = Proton.transport();
        c.collector = Proton.collector();
        c.connection.collect(c.collector);
        Sasl sasl = c.transport.sasl();
        sasl.client();
        if (url.getRawUserInfo() != null) {
            String[] user = url.getRawUserInfo().split(":", 2);
            sasl.setMechanisms("PLAIN");
            sasl.plain(decode(user[0]), user.length > 1 ? decode(user[1]) : "");
        } else {
            sasl.setMechanisms("ANONYMOUS");
        }
        // Proton-J wraps layers in call order: TLS last, so it is the outermost.
        if (tls) {
            SslDomain domain = Proton.sslDomain();
            domain.init(SslDomain.Mode.CLIENT);
            domain.setSslContext(trust);
            domain.setPeerAuthentication(SslDomain.VerifyMode.VERIFY_PEER_NAME);
            c.transport.ssl(domain, Proton.sslPeerDetails(url.getHost(), port));
        }
        c.transport.bind(c.connection);
        c.endpoint = c.connection;
        c.connection.open();
        localOpened(c);
        try {
            c.channel = SocketChannel.open();
            c.channel.configureBlocking(false);
            c.channel.socket().setTcpNoDelay(true);
            boolean connected = c.channel.connect(new InetSocketAddress(url.getHost(), port));
            c.key = c.channel.register(selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, c);
            if (connected) {
                flush(c);
            }
        } catch (IOException | RuntimeException e) {
            connectionLost(c, "cannot connect to " + url.getHost() + ":" + port + ": " + e.getMessage());
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private void startSession(AmqpSession s) {
        AmqpConnection c = (AmqpConnection) s.parent;
        if (s.released || c.connection == null || c.ended) {
            return;
        }
        Session session = c.connection.session();
        session.setContext(s);
        s.endpoint = session;
        session.open();
        localOpened(s);
        flush(c);
    }

    private void startLink(AmqpObject o, String path) {
        AmqpSession s = (AmqpSession) o.parent;
        if (o.released || s.endpoint == null || s.ended) {
            return;
        }
        Session session = (Session) s.endpoint;
        String name = o.kind().toLowerCase() + "-" + UUID.randomUUID();
        Link link;
        Source source = new Source();
        Target target = new Target();
        if (o instanceof AmqpSender) {
            link = session.sender(name);
            target.setAddress(address(path));
            link.setSenderSettleMode(SenderSettleMode.UNSETTLED);
        } else {
            link = session.receiver(name);
            source.setAddress(address(path));
            link.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        }
        link.setSource(source);
        link.setTarget(target);
        link.setContext(o);
        o.endpoint = link;
        link.open();
        if (link instanceof Receiver r) {
            r.flow(RECEIVER_CREDIT);
        }
        localOpened(o);
        flush(s.connection());
    }

    private void closeEndpoint(AmqpObject o) {
        closeChildren(o);
        if (o.endpoint != null && o.endpoint.getLocalState() != EndpointState.CLOSED) {
            o.endpoint.close();
        }
        if (o instanceof AmqpSender sender) {
            abandonQueue(sender);
        }
    }

    private void abandonQueue(AmqpSender sender) {
        AmqpTransfer t;
        while ((t = sender.queue.pollFirst()) != null) {
            TransferCallback cb = t.callback;
            safely(() -> cb.onSent(null, "sender closed before the transfer went out"));
        }
    }

    private void io(AmqpConnection c, SelectionKey key) {
        try {
            if (key.isValid() && key.isConnectable()) {
                c.channel.finishConnect();
                key.interestOps(SelectionKey.OP_READ);
            }
            if (key.isValid() && key.isReadable()) {
                while (true) {
                    int capacity = c.transport.capacity();
                    if (capacity <= 0) {
                        break;
                    }
                    ByteBuffer tail = c.transport.tail();
                    int n = c.channel.read(tail);
                    if (n < 0) {
                        c.transport.close_tail();
                        break;
                    }
                    if (n == 0) {
                        break;
                    }
                    c.transport.process();
                }
            }
            flush(c);
        } catch (IOException | RuntimeException e) {
            connectionLost(c, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** Handles the engine's events and writes what the engine has to send. */
    private void flush(AmqpConnection c) {
        if (c.transport == null || c.socketClosed) {
            return;
        }
        dispatch(c);
        try {
            while (c.channel != null && c.channel.isConnected()) {
                int pending = c.transport.pending();
                if (pending < 0) {
                    closeSocket(c);
                    break;
                }
                if (pending == 0) {
                    c.key.interestOps(SelectionKey.OP_READ);
                    break;
                }
                ByteBuffer head = c.transport.head();
                int n = c.channel.write(head);
                if (n == 0) {
                    c.key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    break;
                }
                c.transport.pop(n);
            }
        } catch (IOException e) {
            connectionLost(c, e.getMessage());
        }
        dispatch(c);
        if (c.released && c.connection.getRemoteState() == EndpointState.CLOSED) {
            closeSocket(c);
        }
    }

    private void dispatch(AmqpConnection c) {
        Event e;
        while ((e = c.collector.peek()) != null) {
            try {
                handle(c, e);
            } finally {
                c.collector.pop();
            }
        }
    }

    private void handle(AmqpConnection c, Event e) {
        switch (e.getType()) {
            case CONNECTION_REMOTE_OPEN -> remoteOpened(c);
            case CONNECTION_REMOTE_CLOSE -> {
                ended(c, e.getConnection().getRemoteCondition());
                if (e.getConnection().getLocalState() != EndpointState.CLOSED) {
                    e.getConnection().close();
                }
            }
            case SESSION_REMOTE_OPEN -> remoteOpened((AmqpObject) e.getSession().getContext());
            case SESSION_REMOTE_CLOSE -> {
                ended((AmqpObject) e.getSession().getContext(), e.getSession().getRemoteCondition());
                if (e.getSession().getLocalState() != EndpointState.CLOSED) {
                    e.getSession().close();
                }
            }
            case LINK_REMOTE_OPEN -> remoteOpened((AmqpObject) e.getLink().getContext());
            case LINK_REMOTE_CLOSE, LINK_REMOTE_DETACH -> {
                ended((AmqpObject) e.getLink().getContext(), e.getLink().getRemoteCondition());
                if (e.getLink().getLocalState() != EndpointState.CLOSED) {
                    e.getLink().close();
                }
            }
            case LINK_FLOW -> {
                if (e.getLink().getContext() instanceof AmqpSender s && !s.released && !s.ended) {
                    pump(s);
                }
            }
            case DELIVERY -> delivery(e.getDelivery());
            case TRANSPORT_ERROR -> {
                ErrorCondition condition = e.getTransport().getCondition();
                connectionLost(c, condition != null && condition.getDescription() != null ? condition.getDescription()
                        : String.valueOf(condition));
            }
            case TRANSPORT_CLOSED -> connectionLost(c, "connection closed by the peer");
            default -> {
            }
        }
    }

    private void delivery(Delivery d) {
        Object owner = d.getLink().getContext();
        if (owner instanceof AmqpSender) {
            if (d.getRemoteState() != null || d.remotelySettled()) {
                AmqpTransfer t = (AmqpTransfer) d.getContext();
                DeliveryState state = d.getRemoteState();
                d.settle();
                if (t != null && t.callback != null) {
                    String outcome = state == null ? "accepted" : state.getType().name().toLowerCase();
                    String detail = null;
                    if (state instanceof Rejected r) {
                        detail = r.getError() != null && r.getError().getDescription() != null ? r.getError().getDescription()
                                : r.getError() != null ? String.valueOf(r.getError().getCondition()) : "rejected";
                    } else if (!"accepted".equals(outcome)) {
                        detail = outcome;
                    }
                    String finalDetail = detail;
                    safely(() -> t.callback.onSent(outcome, finalDetail));
                }
            }
        } else if (owner instanceof AmqpReceiver r && d.isReadable() && !d.isPartial()) {
            Receiver link = (Receiver) d.getLink();
            byte[] bytes = new byte[d.pending()];
            int n = link.recv(bytes, 0, bytes.length);
            link.advance();
            Message m = Proton.message();
            m.decode(bytes, 0, n);
            AmqpMessage message = decode(m);
            if (r.released || r.messageCallback == null) {
                return;
            }
            AmqpDelivery delivery = new AmqpDelivery(r, d);
            arrived(r, delivery);
            safely(() -> r.messageCallback.onMessage(message, delivery));
        }
    }

    private static AmqpMessage decode(Message m) {
        Map<String, Object> props = new LinkedHashMap<>();
        if (m.getApplicationProperties() != null && m.getApplicationProperties().getValue() != null) {
            m.getApplicationProperties().getValue().forEach((k, v) -> props.put(String.valueOf(k), v));
        }
        Section body = m.getBody();
        if (body instanceof Data data) {
            Binary b = data.getValue();
            byte[] bytes = new byte[b.getLength()];
            System.arraycopy(b.getArray(), b.getArrayOffset(), bytes, 0, b.getLength());
            return new AmqpMessage(null, bytes, props);
        }
        Object value = body instanceof AmqpValue v ? v.getValue() : null;
        return new AmqpMessage(value == null ? "" : String.valueOf(value), null, props);
    }

    /** The broker closed (or refused) the object: ERROR with its description when it gave an error, else CLOSED. */
    private void ended(AmqpObject o, ErrorCondition error) {
        if (o == null || o.ended) {
            return;
        }
        o.ended = true;
        o.open = false;
        freeSlot(o);
        if (o instanceof AmqpSender s) {
            abandonQueue(s);
        }
        for (AmqpObject child : o.children) {
            endQuietly(child);
        }
        if (o.released) {
            return;
        }
        if (error != null && error.getCondition() != null) {
            emit(o, o.kind() + "_ERROR", error.getDescription() != null ? error.getDescription() : error.getCondition().toString());
        } else {
            emit(o, o.kind() + "_CLOSED", null);
        }
    }

    /** A child of an ended parent is no longer open; it gets no event of its own (its parent's told the story). */
    private void endQuietly(AmqpObject o) {
        if (o.ended) {
            return;
        }
        o.ended = true;
        o.open = false;
        freeSlot(o);
        if (o instanceof AmqpSender s) {
            abandonQueue(s);
        }
        for (AmqpObject child : o.children) {
            endQuietly(child);
        }
    }

    private void connectionLost(AmqpConnection c, String why) {
        closeSocket(c);
        if (!c.ended) {
            ended(c, new ErrorCondition(Symbol.valueOf("amqp:connection:forced"), why));
        }
    }

    private void closeSocket(AmqpConnection c) {
        if (c.socketClosed) {
            return;
        }
        c.socketClosed = true;
        synchronized (connections) {
            connections.remove(c);
        }
        try {
            if (c.key != null) {
                c.key.cancel();
            }
            if (c.channel != null) {
                c.channel.close();
            }
        } catch (IOException ignored) {
            // the socket is gone either way
        }
    }

    private static void safely(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            System.err.println("amqp callback failed: " + e);
            e.printStackTrace();
        }
    }
}
