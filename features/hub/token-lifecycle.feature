Feature: Token lifecycle
  A claim lasts as long as its token (plus the clock-skew allowance). When it lapses, the links it let attach are
  detached with "amqp:unauthorized-access" and a description starting "Token Invalid."; a put-token for the same
  audience before then carries the links on.

  Background:
    Given device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    And a sender to "/devices/{device1}/messages/events" is attached

  @HUB-TOK-001 @MUST
  Scenario: A renewed put-token for the same audience keeps the links working
    When a put-token for device1 with a valid device1 token is sent
    Then the reply's "status-code" is 200
    When a telemetry message of 100 bytes is sent on it
    Then the transfer is settled "Accepted"

  # Needs the simulator: a real hub's tokens cannot be made to lapse on demand within a test run.
  @HUB-TOK-002 @HUB-CBS-011 @MUST @simulator
  Scenario: When the claim lapses, its links are detached and the connection stays open
    When the simulator expires device1's claims
    Then the link is detached with "amqp:unauthorized-access" and a description starting "Token Invalid."
    And the connection is open
