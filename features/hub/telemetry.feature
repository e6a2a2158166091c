Feature: Device telemetry
  A device sends telemetry on a sender link to "/devices/{deviceId}/messages/events"; the hub settles each transfer
  Accepted once it has stored the message. Path literals are case-insensitive and may carry "amqps://{host}".
  A message's size is counted as IoT Hub documents it: body + system property values + application property names and
  values, KB = 1,024 bytes.

  Background:
    Given device1 is connected with SASL ANONYMOUS and has put a valid device1 token

  @HUB-TEL-001 @HUB-LINK-001 @MUST
  Scenario: A telemetry message is settled Accepted
    When a sender to "/devices/{device1}/messages/events" is attached
    And a telemetry message of 100 bytes is sent on it
    Then the transfer is settled "Accepted"

  @HUB-LINK-002 @HUB-LINK-003 @MUST
  Scenario Outline: Device paths are matched case-insensitively and with or without the host (<form>)
    When a sender to "<address>" is attached
    And a telemetry message of 100 bytes is sent on it
    Then the transfer is settled "Accepted"

    Examples:
      | form         | address                                          |
      | upper case   | /DEVICES/{device1}/Messages/Events               |
      | full address | amqps://{host}/devices/{device1}/messages/events |

  @HUB-LINK-008 @SHOULD
  Scenario Outline: The hub takes any "com.microsoft:api-version" on an attach (<case>)
    When a sender to "/devices/{device1}/messages/events" with "com.microsoft:api-version" set to "<version>" is attached
    And a telemetry message of 100 bytes is sent on it
    Then the transfer is settled "Accepted"

    Examples:
      | case                          | version    |
      | the Java device SDK's         | 2020-09-30 |
      | a version no SDK has sent yet | 2099-01-01 |

  @HUB-LIM-001 @MUST
  Scenario: A device-to-cloud message of exactly 256 KB is accepted; one byte more is rejected, and the link keeps working
    When a sender to "/devices/{device1}/messages/events" is attached
    And a telemetry message whose counted size is 262144 bytes is sent on it
    Then the transfer is settled "Accepted"
    When a telemetry message whose counted size is 262145 bytes is sent on it
    Then the transfer is rejected with "amqp:link:message-size-exceeded"
    When a telemetry message of 100 bytes is sent on it
    Then the transfer is settled "Accepted"

  @HUB-LINK-006 @MUST
  Scenario: A device claim does not open another device's path
    When a sender to "/devices/{device2}/messages/events" is attached
    Then the attach is refused with "amqp:unauthorized-access"

  # The seed's table of device link paths lists this sender; no SDK opens it and what its messages hold is not documented.
  @HUB-LINK-011 @SHOULD
  Scenario: A device's sender on "/messages/serviceBound/feedback" attaches, as the seed's device link paths list it
    Then a sender to "/messages/serviceBound/feedback" attaches
