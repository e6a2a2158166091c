@needs-impApi
Feature: Per-agent limits and the message rate of the imp amqp API
  An agent may hold 4 connections, 16 sessions and 64 links (senders and receivers combined). Past a limit, and past
  the message credit (40 at once, regenerating 2 per second up to 40), the call fails at once with the documented
  error (seeds/imp-amqp-object.txt, "AMQP Rate Limitations").

  Background:
    Given a fresh client agent

  @IMP-LIMIT-101 @MUST
  Scenario: A fifth connection fails with the documented error
    When the agent opens 4 connections as device1
    Then opening one more connection fails with "max connection limit reached in amqp.openconnection(url, callback)"

  @IMP-LIMIT-102 @MUST
  Scenario: A seventeenth session fails with the documented error
    Given session "s1" is open on connection "c1" opened as device1
    When the agent opens 15 sessions on "c1"
    Then opening one more session on "c1" fails with "max session limit reached in amqpconnection.opensession(url, callback)"

  @IMP-LIMIT-103 @MUST
  Scenario: A sixty-fifth sender fails with the documented error
    Given session "s1" is open on connection "c1" opened as device1
    When the agent opens 64 senders to "/devices/device1/messages/events" on "s1"
    Then opening one more sender to "/devices/device1/messages/events" on "s1" fails with "max link limit reached in amqpsession.opensender(url, callback)"

  @IMP-LIMIT-104 @MUST @needs-receiver
  Scenario: Receivers count with senders, and one past 64 links fails with the documented error
    Given session "s1" is open on connection "c1" opened as device1
    When the agent opens 63 senders to "/devices/device1/messages/events" on "s1"
    And it opens receiver "r1" from "/devices/device1/messages/devicebound" on "s1"
    Then opening one more receiver from "/devices/device1/messages/devicebound" on "s1" fails with "max link limit reached in amqpsession.openreceiver(url, callback)"

  @IMP-RATE-001 @MUST
  Scenario: 40 messages may be sent at once; past the credit sendasync fails with the documented error
    Given sender "l1" to "/devices/device1/messages/events" is open on session "s1" of connection "c1" as device1
    And the hub grants 100 credit to "l1"
    When the agent sends messages on "l1" until one fails, at most 60
    Then at least 40 and at most 40 plus 2 per second of sending were taken before the error "message rate exceeded in amqptransfer.sendasync(callback)"

  @IMP-RATE-002 @SHOULD
  Scenario: Message credit regenerates at two per second
    Given sender "l1" to "/devices/device1/messages/events" is open on session "s1" of connection "c1" as device1
    And the hub grants 100 credit to "l1"
    When the agent sends 40 messages on "l1" at once
    And 1100 ms pass
    Then 2 more messages on "l1" are sent without error
