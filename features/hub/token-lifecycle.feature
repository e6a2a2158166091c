Feature: Token lifecycle
  A claim lasts as long as its token (plus the clock-skew allowance). When it lapses, the links it let attach are
  detached with "amqp:unauthorized-access" and a description starting "Token Invalid."; the connection stays open for
  a new put-token. A put-token for the same audience before then carries the links on.
  Scenarios on "the timing target" run against a simulator that allows no clock skew, so a token lapses at its se.

  # Needs the simulator: only there can the clock-skew allowance be set to 0, so the first token lapses within seconds.
  @HUB-TOK-001 @MUST @simulator
  Scenario: A renewed put-token carries the links on past the first token's expiry
    Given the target is the timing target
    And device1 is connected with SASL ANONYMOUS and has put a device1 token valid for 3 seconds
    And a sender to "/devices/{device1}/messages/events" is attached
    When a put-token for device1 with a valid device1 token is sent
    Then the reply's "status-code" is 200
    When the first token's expiry has passed by 2 seconds
    Then the link is still attached
    And a telemetry message of 100 bytes sent on it is settled "Accepted"

  # Any endpoint, on request (-Phub-specs-slow): waits past the first token's expiry plus the hub's grace period.
  @HUB-TOK-001 @MUST @slow
  Scenario: A renewed put-token carries the links on past the first token's expiry and the hub's grace period
    Given device1 is connected with SASL ANONYMOUS and has put a device1 token valid for 60 seconds
    And a sender to "/devices/{device1}/messages/events" is attached
    When a put-token for device1 with a valid device1 token is sent
    Then the reply's "status-code" is 200
    When the first token's expiry has passed by the clock-skew allowance and 10 seconds
    Then the link is still attached
    And a telemetry message of 100 bytes sent on it is settled "Accepted"

  # Needs the simulator: see above.
  @HUB-CBS-011 @MUST @simulator
  Scenario: Without a renewal, the links are detached when the token lapses
    Given the target is the timing target
    And device1 is connected with SASL ANONYMOUS and has put a device1 token valid for 3 seconds
    And a sender to "/devices/{device1}/messages/events" is attached
    Then the link is detached with "amqp:unauthorized-access" and a description starting "Token Invalid."

  # Needs the simulator: a real hub's tokens cannot be made to lapse on demand within a test run.
  @HUB-TOK-002 @HUB-CBS-011 @MUST @simulator
  Scenario: When the claim lapses, its links are detached and the connection stays open for a new claim
    Given device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    And a sender to "/devices/{device1}/messages/events" is attached
    When the simulator expires device1's claims
    Then the link is detached with "amqp:unauthorized-access" and a description starting "Token Invalid."
    When a put-token for device1 with a valid device1 token is sent
    Then the reply's "status-code" is 200
    And a sender to "/devices/{device1}/messages/events" attaches
    And a telemetry message of 100 bytes sent on it is settled "Accepted"
    And the connection was never closed

  # Needs the simulator: see above.
  @HUB-TOK-003 @MUST @simulator
  Scenario: After a token-expiry disruption the device reconnects with a fresh token and carries on
    When device1 connects with SASL PLAIN as "{device1}@sas.{hub}" with a valid device1 token
    And the simulator expires device1's claims
    Then the connection is closed with "amqp:unauthorized-access" and a description starting "Token Invalid."
    When device1 connects with SASL PLAIN as "{device1}@sas.{hub}" with a valid device1 token
    Then a sender to "/devices/{device1}/messages/events" attaches
    And a telemetry message of 100 bytes sent on it is settled "Accepted"
