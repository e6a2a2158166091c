package dev.hubsim.amqp.link;

import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;

/**
 * {@code $cbs}: the client's sender carries put-token requests ({@link CbsRequestHandler}), its receiver gets the
 * replies ({@link CbsReplies}). No claim is needed.
 */
final class CbsLinks implements AttachHandler<HubPath.Cbs> {
    @Override
    public HubPath.Cbs match(Attach attach) {
        return HubPath.parse(attach.address(), attach.role()) instanceof HubPath.Cbs cbs ? cbs : null;
    }

    @Override
    public Access access(HubPath.Cbs path) {
        return Access.none();
    }

    @Override
    public void open(Attach attach, HubPath.Cbs path) {
        attach.link().setSource(attach.link().getRemoteSource());
        attach.link().setTarget(attach.link().getRemoteTarget());
        CbsReplies replies = attach.host().links().replyRoute(CbsNode.ADDRESS);
        if (attach.link() instanceof Receiver receiver) {
            CbsRequestHandler handler = new CbsRequestHandler(attach.host(), receiver, replies);
            attach.adopt(handler);
            receiver.setContext(handler);
            receiver.setMaxMessageSize(UnsignedLong.valueOf(RequestLinkHandler.MAX_REQUEST_BYTES));
            receiver.open();
            attach.host().links().credit(receiver, dev.hubsim.limits.LinkKind.CBS).start();
        } else {
            Sender sender = (Sender) attach.link();
            sender.setSenderSettleMode(sender.getRemoteSenderSettleMode());
            sender.setContext(replies.attach(sender));
            attach.adopt(replies);
            sender.open();
        }
        attach.host().flush();
    }
}
