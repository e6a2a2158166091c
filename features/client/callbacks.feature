@needs-impApi
Feature: Which callback hears an object's events
  The documents say that success or failure of opening a session or a sender "is signalled to the callback registered
  with amqp.openconnection()" (imp-amqpconnection-opensession.txt, imp-amqpsession-opensender.txt), and also give each
  object an optional callback "called at key moments during the life of the object". The reading checked here: an
  object opened without a callback has its events signalled to the connection's callback (MUST: the documents say so
  in as many words); an object opened with a callback of its own has them signalled to that one only (SHOULD: the
  documents leave room for both being called). Observable through adapter protocol version 2 (the "callback" field).

  Background:
    Given a fresh client agent

  @IMP-EVENT-007 @MUST @needs-protocol-2
  Scenario: An object opened without a callback has its events signalled to the connection's callback
    When the agent opens connection "c1" as device1
    And it opens session "s1" on "c1" without a callback
    And it opens sender "l1" to "/devices/device1/messages/events" on "s1" without a callback
    Then the callback of "c1" hears SESSION_OPEN
    And the callback of "c1" hears SENDER_OPEN

  @IMP-EVENT-008 @SHOULD @needs-protocol-2
  Scenario: An object opened with its own callback has its events signalled to that callback only
    When the agent opens connection "c1" as device1
    And it opens session "s1" on "c1"
    And it opens sender "l1" to "/devices/device1/messages/events" on "s1"
    Then the callback of "l1" hears SENDER_OPEN
    And the callback of "s1" hears SESSION_OPEN
    And the callback of "c1" heard nothing but CONNECTION_OPEN
