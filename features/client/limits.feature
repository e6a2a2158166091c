@needs-impApi
Feature: Per-agent limits of the imp amqp API
  An agent may hold 4 connections, 16 sessions and 64 links (senders and receivers combined), counted over the whole
  agent, not per connection or session. Past a limit the call fails at once with the documented error
  (seeds/imp-amqp-object.txt, "AMQP Rate Limitations"). A released object no longer counts.

  Background:
    Given a fresh client agent

  @IMP-LIMIT-101 @MUST
  Scenario: A fifth connection fails with the documented error
    When the agent opens 4 connections as device1
    Then opening one more connection fails with "max connection limit reached in amqp.openconnection(url, callback)"

  @IMP-LIMIT-102 @MUST
  Scenario: Sessions count per agent: the seventeenth, over two connections, fails with the documented error
    Given session "s1" is open on connection "c1" opened as device1
    And session "s2" is open on connection "c2" opened as device1
    When the agent opens 7 sessions on "c1"
    And the agent opens 7 sessions on "c2"
    Then opening one more session on "c2" fails with "max session limit reached in amqpconnection.opensession(url, callback)"

  @IMP-LIMIT-103 @MUST
  Scenario: Links count per agent: the sixty-fifth sender, over two sessions, fails with the documented error
    Given session "s1" is open on connection "c1" opened as device1
    And it opens session "s2" on "c1"
    When the agent opens 32 senders to "/devices/device1/messages/events" on "s1"
    And the agent opens 32 senders to "/devices/device1/messages/events" on "s2"
    Then opening one more sender to "/devices/device1/messages/events" on "s2" fails with "max link limit reached in amqpsession.opensender(url, callback)"

  @IMP-LIMIT-104 @MUST @needs-receiver
  Scenario: Receivers count with senders, and one past 64 links fails with the documented error
    Given session "s1" is open on connection "c1" opened as device1
    When the agent opens 63 senders to "/devices/device1/messages/events" on "s1"
    And it opens receiver "r1" from "/devices/device1/messages/devicebound" on "s1"
    Then opening one more receiver from "/devices/device1/messages/devicebound" on "s1" fails with "max link limit reached in amqpsession.openreceiver(url, callback)"

  @IMP-LIMIT-105 @MUST
  Scenario: Releasing a link, a session or a connection frees its slot for one more
    Given session "s1" is open on connection "c1" opened as device1
    When the agent opens 63 senders to "/devices/device1/messages/events" on "s1"
    And it opens sender "last" to "/devices/device1/messages/events" on "s1"
    And the agent releases "last"
    Then opening one more sender to "/devices/device1/messages/events" on "s1" succeeds
    When the agent opens 15 sessions on "c1"
    And the agent releases "s1"
    Then opening one more session on "c1" succeeds
    When the agent opens 3 connections as device1
    And the agent releases "c1"
    Then opening one more connection succeeds
