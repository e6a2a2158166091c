@needs-impApi
Feature: The message rate of the imp amqp API
  An agent has credit for 40 messages at once, regenerating at 2 per second up to 40 (120 messages in 60 s). Past the
  credit sendasync fails at once with "message rate exceeded in amqptransfer.sendasync(callback)"
  (seeds/imp-amqp-object.txt, seeds/imp-amqpsender-createtransfer.txt). The hub grants the sender plenty of link credit,
  so only the agent's message credit limits it. Tolerance: the rate gives back 2 per second of the time the kit measured
  (at least 2/s x the wait, at most one more plus 2/s x the time from the failing call to the end of the next burst).

  Background:
    Given a fresh client agent
    And sender "l1" to "/devices/device1/messages/events" is open on session "s1" of connection "c1" as device1
    And the hub grants 200 credit to "l1"

  @IMP-RATE-001 @MUST
  Scenario: 40 messages may be sent at once; past the credit sendasync fails with the documented error
    When the agent sends messages on "l1" until one fails, at most 60
    Then at least 40 were taken before the error "message rate exceeded in amqptransfer.sendasync(callback)"

  @IMP-RATE-002 @MUST
  Scenario: No more than 40 at once: the 41st within the second fails
    When the agent sends messages on "l1" until one fails, at most 60
    Then at most 40 plus 2 per second of sending were taken before one failed

  @IMP-RATE-002 @MUST
  Scenario: Credit regenerates at two per second, neither faster nor slower
    When the agent sends messages on "l1" until one fails, at most 60
    And 3000 ms pass
    And the agent sends messages on "l1" until one fails, at most 30
    Then 2 per second of waiting were taken, within one message

  @IMP-RATE-002 @MUST @slow
  Scenario: Credit never grows beyond 40: after 6 s idle (52 for a bucket without a cap) still at most 40 at once
    When 6000 ms pass
    And the agent sends messages on "l1" until one fails, at most 80
    Then at most 40 plus 2 per second of sending were taken before one failed
