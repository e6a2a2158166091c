Feature: Limits and credit
  The hub grants credit to client sending links. Under the "imp" limit profile (the Electric Imp agent's AMQP limits),
  a client may hold four connections and 16 sessions; the one too many is opened, then closed with
  "amqp:resource-limit-exceeded" and "max connection limit reached (4)" / "max session limit reached (16)".

  @HUB-CREDIT-001 @SHOULD
  Scenario: The hub grants credit to a device's telemetry sender
    Given device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    When a sender to "/devices/{device1}/messages/events" is attached
    Then the hub grants it at least 1 credit

  # Needs the simulator: the imp profile is the simulator's own configuration, not something a real hub offers.
  @IMP-LIMIT-001 @MUST @simulator
  Scenario: The fifth connection of one client is opened, then closed
    Given the target plays the imp limit profile
    When device1 opens 4 connections with SASL PLAIN
    And device1 opens one more connection with SASL PLAIN
    Then that connection is closed with "amqp:resource-limit-exceeded" and "max connection limit reached (4)"

  # Needs the simulator: see above.
  @IMP-LIMIT-002 @MUST @simulator
  Scenario: The seventeenth session of one client begins, then ends
    Given the target plays the imp limit profile
    When device1 opens 1 connections with SASL PLAIN
    And device1 begins 17 sessions on it
    Then the last session is ended with "amqp:resource-limit-exceeded" and "max session limit reached (16)"

  # Needs the simulator: see above.
  @IMP-CREDIT-001 @MUST @simulator
  Scenario: Under the imp profile a telemetry sender gets a bucket of 40 credits
    Given the target plays the imp limit profile
    When device1 opens 1 connections with SASL PLAIN
    And a sender to "/devices/{device1}/messages/events" is attached
    Then the hub grants it exactly 40 credit

  # Needs the simulator: see above.
  @IMP-LIMIT-003 @MUST @simulator
  Scenario: The sixty-fifth link of one client is attached, then detached
    Given the target plays the imp limit profile
    When device1 opens 1 connections with SASL PLAIN
    And device1 attaches 64 senders to "/devices/{device1}/messages/events"
    And a sender to "/devices/{device1}/messages/events" is attached
    Then the attach is refused with "amqp:resource-limit-exceeded" and a description starting "max link limit reached (64)"
