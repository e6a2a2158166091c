Feature: Limits and credit
  The hub grants credit to client sending links. Under the "imp" limit profile (the Electric Imp agent's AMQP limits)
  a client (agent) may hold four connections, 16 sessions and 64 links in all, however it spreads them; the one too
  many is opened, then closed with "amqp:resource-limit-exceeded" and "max connection limit reached (4)" /
  "max session limit reached (16)" / "max link limit reached (64)". Its message credit is 40, regenerating at two per
  second. A client is known by its SASL PLAIN user name.

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
    And device1 begins 16 sessions on it
    And device1 begins one more session on it
    Then the last session is ended with "amqp:resource-limit-exceeded" and "max session limit reached (16)"
    And the first 16 sessions are still open

  # Needs the simulator: see above. The seeds allow "any number of sessions" per connection; the limit is the agent's.
  @IMP-LIMIT-004 @MUST @simulator
  Scenario: The session limit counts a client's sessions over all its connections
    Given the target plays the imp limit profile
    When device1 opens 2 connections with SASL PLAIN
    And device1 begins 8 sessions on each of them
    And device1 begins one more session on the last connection
    Then the last session is ended with "amqp:resource-limit-exceeded" and "max session limit reached (16)"

  # Needs the simulator: see above.
  @IMP-LIMIT-003 @MUST @simulator
  Scenario: The sixty-fifth link of one client is attached, then detached
    Given the target plays the imp limit profile
    When device1 opens 1 connections with SASL PLAIN
    And device1 attaches 64 senders to "/devices/{device1}/messages/events"
    And a sender to "/devices/{device1}/messages/events" is attached
    Then the attach is refused with "amqp:resource-limit-exceeded" and a description starting "max link limit reached (64)"

  # Needs the simulator: see above.
  @IMP-CREDIT-001 @MUST @simulator
  Scenario: Under the imp profile a telemetry sender gets a bucket of 40 credits
    Given the target plays the imp limit profile
    When device1 opens 1 connections with SASL PLAIN
    And a sender to "/devices/{device1}/messages/events" is attached
    Then the hub grants it exactly 40 credit

  # Needs the simulator: see above. "Each agent is ... restricted": the bucket is the agent's, whatever links it opens.
  @IMP-CREDIT-003 @MUST @simulator
  Scenario: The 40 credits are the agent's, shared by all its links
    Given the target plays the imp limit profile
    When device1 opens 1 connections with SASL PLAIN
    And device1 attaches 2 senders to "/devices/{device1}/messages/events"
    Then its senders hold 40 credits between them, and no more 2 seconds later

  # Needs the simulator: see above. A timed scenario: about four seconds.
  @IMP-CREDIT-002 @MUST @simulator
  Scenario: Spent credit regenerates at two per second
    Given the target plays the imp limit profile
    When device1 opens 1 connections with SASL PLAIN
    And a sender to "/devices/{device1}/messages/events" is attached
    And device1 spends the credit it was granted
    Then the hub grants 4 credits more over about 2 seconds, not faster than 2 per second

  # Needs the simulator: a real hub's guard, if any, is not documented; this is hubsim's (README: Reliability and security).
  @HUB-LIM-007 @SHOULD @simulator
  Scenario: Connections from one address are capped: the one over the cap is closed at once
    Given the target caps connections per address low
    When a client opens as many connections as the target admits from one address
    Then each of them is open
    When a client opens one more connection
    Then that connection ends before it is open
