package dev.hubsim.amqp.link;

import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;

/**
 * The Event Hub-compatible endpoint's {@code $management} (or {@code {name}/$management}): each request authorises
 * itself ({@code security_token}, or an Event Hub claim), so the attach needs none.
 */
final class EventHubManagementLinks implements AttachHandler<EventHubPath.Management> {
    @Override
    public EventHubPath.Management match(Attach attach) {
        return parse(attach) instanceof EventHubPath.Management m ? m : null;
    }

    @Override
    public Access access(EventHubPath.Management path) {
        return Access.ownCheck();
    }

    @Override
    public boolean takesLinkSlot() {
        return false;
    }

    @Override
    public void open(Attach attach, EventHubPath.Management path) {
        attach.link().setSource(attach.link().getRemoteSource());
        attach.link().setTarget(attach.link().getRemoteTarget());
        CbsReplies replies = attach.host().links().replyRoute(ManagementNode.ADDRESS);
        if (attach.link() instanceof Receiver receiver) {
            receiver.setContext(new ManagementRequestHandler(attach.host(), receiver, replies));
            receiver.setMaxMessageSize(UnsignedLong.valueOf(RequestLinkHandler.MAX_REQUEST_BYTES));
            receiver.open();
            receiver.flow(ManagementRequestHandler.CREDIT);
        } else {
            Sender sender = (Sender) attach.link();
            sender.setSenderSettleMode(sender.getRemoteSenderSettleMode());
            sender.setContext(replies.attach(sender));
            sender.open();
        }
        attach.host().flush();
    }

    /** An address on the Event Hub-compatible endpoint, or null for the hub's own. */
    static EventHubPath parse(Attach attach) {
        return attach.address() == null ? null
                : EventHubPath.parse(attach.address(), attach.hub().eventHub().settings().name(), attach.role() == LinkRole.CLIENT_RECEIVER);
    }
}
