@needs-impApi
Feature: Messages of the imp amqp API and the IoT Hub flow
  createmessage sends its string as an AMQP value; createbinarymessage sends a data section. Property keys are strings
  and values integers, floats, booleans or strings; other types are converted to strings. The IoT Hub flow the
  documents show through this API: a put-token on "$cbs", its reply on a "$cbs" receiver, then telemetry.

  Background:
    Given a fresh client agent
    And sender "l1" to "/devices/device1/messages/events" is open on session "s1" of connection "c1" as device1
    And the hub grants 10 credit to "l1"

  @IMP-MSG-001 @MUST
  Scenario: createmessage sends an AMQP value string
    When the agent sends the message "hello imp" on "l1"
    Then 1 transfer was reported sent with outcome "accepted"
    And the hub stored for device1 a message whose body is an AMQP value string "hello imp"

  @IMP-MSG-002 @MUST @needs-binary
  Scenario: createbinarymessage sends a data section
    When the agent sends the binary message "AAEC/w==" on "l1"
    Then 1 transfer was reported sent with outcome "accepted"
    And the hub stored for device1 a message whose body is a data section "AAEC/w=="

  @IMP-MSG-003 @MUST
  Scenario: Property values keep integer, float, bool and string types; others (null too) become strings
    When the agent sends the message "typed" on "l1" with the properties '{"i": 7, "f": 1.5, "b": true, "s": "x", "list": [1, 2], "map": {"k": 1}, "n": null}'
    Then 1 transfer was reported sent with outcome "accepted"
    And the hub stored for device1 a message whose properties have these AMQP types
      | property | type    |
      | i        | integer |
      | f        | float   |
      | b        | boolean |
      | s        | string  |
      | list     | string  |
      | map      | string  |
      | n        | string  |

  @IMP-FLOW-001 @MUST @needs-receiver
  Scenario: put-token on $cbs, then telemetry on the device path
    Given session "s2" is open on connection "c2" opened anonymously
    When it opens sender "cbs-out" to "$cbs" on "s2"
    And it opens receiver "cbs-in" from "$cbs" on "s2"
    And "cbs-out" and "cbs-in" report their OPEN events
    And the agent sends a put-token for device1 on "cbs-out"
    Then "cbs-in" receives a message with property "status-code" 200
    When it opens sender "tel" to "/devices/device1/messages/events" on "s2"
    Then "tel" reports SENDER_OPEN
    And the hub saw the put-token before the attach of "/devices/device1/messages/events"

  @IMP-MSG-004 @MUST @needs-receiver
  Scenario Outline: A received message waits for the application, and <call> settles it <state>
    When it opens receiver "r1" from "/devices/device1/messages/devicebound" on "s1"
    And "r1" reports RECEIVER_OPEN
    And the hub sends device1 a cloud-to-device message "hello device" with property "n" 5
    Then "r1" receives a message with property "n" 5
    And after 300 ms the hub has seen no settlement of it
    When the agent calls <call> on that delivery
    Then the hub sees the client settle it "<state>"

    Examples:
      | call            | state    |
      | accept          | Accepted |
      | reject          | Rejected |
      | releasedelivery | Released |
