package dev.hubsim.amqp.link;

import org.apache.qpid.proton.engine.Sender;

/** {@code /messages/serviceBound/feedback}: the service's receiver of delivery feedback ({@link FeedbackLink}). */
final class FeedbackLinks implements AttachHandler<HubPath.ServiceFeedback> {
    @Override
    public HubPath.ServiceFeedback match(Attach attach) {
        return HubPath.parse(attach.address(), attach.role()) instanceof HubPath.ServiceFeedback f ? f : null;
    }

    @Override
    public Access access(HubPath.ServiceFeedback path) {
        return new Access.Service(path.resource());
    }

    @Override
    public void open(Attach attach, HubPath.ServiceFeedback path) {
        FeedbackLink link = new FeedbackLink(attach.host(), (Sender) attach.link(), attach.hub().c2d().feedback());
        attach.adopt(link);
        link.open();
    }
}
