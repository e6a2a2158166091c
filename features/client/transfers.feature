@needs-impApi
Feature: Transfers of the imp amqp API
  Each send attempt is one transfer. Transfers are queued until the receiving end grants credit and go out in the
  order they were sent; never more are in flight than the credit granted (seeds/imp-amqpsender-createtransfer.txt).
  The hub grants the scenarios' telemetry links no credit until a step says so.

  Background:
    Given a fresh client agent
    And sender "l1" to "/devices/device1/messages/events" is open on session "s1" of connection "c1" as device1

  @IMP-XFER-001 @MUST
  Scenario: Transfers wait for credit and never exceed it
    When the agent sends 3 messages on "l1" at once
    Then none of them failed
    And after 300 ms the hub has seen 0 transfers on "l1"
    When the hub grants 2 credit to "l1"
    Then the hub sees 2 transfers on "l1"
    And after 300 ms the hub has seen 2 transfers on "l1"
    When the hub grants 1 credit to "l1"
    Then the hub sees 3 transfers on "l1"
    And 3 transfers were reported sent with outcome "accepted"

  @IMP-XFER-002 @MUST @smoke
  Scenario: Queued transfers go out in the order they were sent
    When the agent sends the messages "m1", "m2", "m3", "m4", "m5" on "l1"
    And the hub grants 5 credit to "l1"
    Then 5 transfers were reported sent with outcome "accepted"
    And the hub stored for device1 the bodies "m1", "m2", "m3", "m4", "m5" in that order
