package dev.hubsim.amqp.link;

/** The role of the link as the client attached it. */
public enum LinkRole {
    /** The client sends; the hub receives on the link's target. */
    CLIENT_SENDER,
    /** The client receives; the hub sends from the link's source. */
    CLIENT_RECEIVER
}
