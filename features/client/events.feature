@needs-impApi
Feature: Events and object lifecycle of the imp amqp API
  Every object (connection, session, sender, receiver) is returned at once and opens asynchronously: isopen() is false
  until its OPEN event, which comes only after the broker answered its Open, Begin or Attach. Events are
  CONNECTION_/SESSION_/SENDER_/RECEIVER_ + OPEN, CLOSED or ERROR; errorDetail is null except on ERROR events, where it
  is the error's description. Each object reports OPEN once. Releasing an object closes it and its children. Each
  scenario starts a fresh agent; the hub runs the imp limit profile, and holds its answers where a scenario says so.

  Background:
    Given a fresh client agent

  @IMP-EVENT-001 @MUST
  Scenario: errorDetail is null on OPEN events and a string on ERROR events
    When the agent opens connection "c1" as device1
    And it opens session "s1" on "c1"
    And it opens sender "l1" to "/devices/device1/messages/events" on "s1"
    Then "l1" reports SENDER_OPEN
    And every OPEN event so far has a null errorDetail
    When the agent opens connection "c2" to a port where nothing listens
    Then "c2" reports CONNECTION_ERROR with a non-empty errorDetail

  @IMP-EVENT-002 @MUST
  Scenario: Objects are returned at once and open only after the broker's answer
    Given the hub holds its Begin and Attach answers to device1 for 400 ms
    When the agent opens connection "c1" as device1
    Then "c1" is not open at once
    When it opens session "s1" on "c1"
    Then "s1" is not open at once
    When it opens sender "l1" to "/devices/device1/messages/events" on "s1"
    Then "l1" is not open at once
    And "l1" reports SENDER_OPEN
    And each OPEN event came after the hub sent its answer (Open, Begin, Attach)
    And "c1", "s1" and "l1" are open

  @IMP-EVENT-003 @MUST
  Scenario: Releasing a session closes its sender first, and nothing is reported after release
    Given "l1" to "/devices/device1/messages/events" is open on session "s1" of connection "c1" as device1
    When the agent releases "s1"
    Then "s1" and "l1" are not open
    And the hub saw the client detach "/devices/device1/messages/events" before it ended the session
    And no event is reported for "s1" or "l1" after the release

  @IMP-EVENT-003 @MUST
  Scenario: Releasing a connection closes its sessions and links, and nothing is reported after release
    Given "l1" to "/devices/device1/messages/events" is open on session "s1" of connection "c1" as device1
    When the agent releases "c1"
    Then "c1", "s1" and "l1" are not open
    And the hub saw the client close the connection
    And no event is reported for "c1", "s1" or "l1" after the release

  @IMP-EVENT-004 @MUST
  Scenario: A refused attach is reported as SENDER_ERROR with the broker's description
    Given session "s1" is open on connection "c1" opened anonymously
    When it opens sender "l1" to "/devices/device2/messages/events" on "s1"
    Then "l1" reports SENDER_ERROR with the description the hub sent in its detach
    And "l1" reported no SENDER_OPEN
    And "l1" is not open

  @IMP-EVENT-005 @MUST @smoke
  Scenario: OPEN events come in the order the objects depend on each other
    When the agent opens connection "c1" as device1
    And it opens session "s1" on "c1"
    And it opens sender "l1" to "/devices/device1/messages/events" on "s1"
    Then "l1" reports SENDER_OPEN
    And the OPEN events arrived in the order CONNECTION_OPEN, SESSION_OPEN, SENDER_OPEN

  @IMP-EVENT-006 @MUST
  Scenario: Each object reports OPEN once, however often the broker grants credit
    Given sender "l1" to "/devices/device1/messages/events" is open on session "s1" of connection "c1" as device1
    When the hub grants 1 credit to "l1"
    And the agent sends the message "one" on "l1"
    And the hub grants 1 credit to "l1"
    And the agent sends the message "two" on "l1"
    Then 2 transfers were reported sent with outcome "accepted"
    And "c1", "s1" and "l1" each reported OPEN exactly once
