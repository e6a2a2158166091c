package dev.hubsim.amqp.link;

import java.util.List;

/** The link kinds the hub serves, in the order the router tries them: add a kind here. */
final class LinkKinds {
    private LinkKinds() {
    }

    public static List<AttachHandler<?>> all() {
        return List.of(
                // The Event Hub-compatible endpoint's addresses first: its $management shadows nothing of the hub's.
                new EventHubManagementLinks(),
                new EventHubReceiverLinks(),
                new EventHubOtherLinks(),
                new CbsLinks(),
                new TelemetryLinks(),
                new MethodsLinks(),
                new DeviceBoundLinks(),
                new ServiceDeviceBoundLinks(),
                new FeedbackLinks(),
                new TwinLinks(),
                new DeviceFeedbackLinks(),
                new EventsRedirectLinks());
    }
}
