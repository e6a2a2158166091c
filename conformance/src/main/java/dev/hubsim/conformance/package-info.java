/**
 * The conformance kit: a Proton-J probe client of its own, Cucumber glue for the specs under {@code features/}, and
 * (later) the client-adapter protocol. It decides verdicts only from what it sees on the wire.
 */
package dev.hubsim.conformance;
