Feature: Cloud-to-device messages
  A service with ServiceConnect sends on "/messages/devicebound"; each message names its device in the "to" property
  ("/devices/{deviceId}/messages/devicebound") and is settled Accepted once queued, or Rejected with an error. The
  device receives on "/devices/{deviceId}/messages/devicebound": the delivery tag is the 16-byte lock token, and the
  device's outcome completes (Accepted), abandons (Released) or dead-letters (Rejected) the message.

  Background:
    Given the service is connected with SASL ANONYMOUS and has put a valid service token
    And device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    And device1 has a receiver on "/devices/{device1}/messages/devicebound"
    And device1 has taken every message waiting for it

  @HUB-C2D-001 @HUB-LINK-010 @MUST
  Scenario: A cloud-to-device message is queued and reaches its device as sent
    When the service sends a cloud-to-device message to device1
    Then the service's transfer is settled "Accepted"
    When device1 receives that message
    Then its message-id and body are the ones the service sent

  @HUB-C2D-003 @MUST
  Scenario: The delivery tag is the lock token, in .NET Guid byte order
    When the service sends a cloud-to-device message to device1
    And device1 receives that message
    Then its delivery tag is 16 bytes and is the "x-opt-lock-token" annotation in .NET Guid byte order

  @HUB-C2D-004 @MUST
  Scenario: A delivery carries the hub's annotations and its "to"
    When the service sends a cloud-to-device message to device1
    And device1 receives that message
    Then its annotation "iothub-deliverycount" is 0 of AMQP type "ubyte"
    And its annotation "x-opt-sequence-number" is of AMQP type "ulong"
    And its annotation "iothub-enqueuedtime" is of AMQP type "timestamp"
    And its property "to" is "/devices/{device1}/messages/devicebound"

  @HUB-C2D-015 @MUST
  Scenario: The properties and application properties the service set reach the device unchanged
    When the service sends device1 a cloud-to-device message with every property set
    And device1 receives that message
    Then its properties and application properties are the ones the service set

  @HUB-C2D-005 @MUST
  Scenario: Released abandons the message: it comes again with its delivery count raised
    When the service sends a cloud-to-device message to device1
    And device1 receives that message
    And device1 settles it with "Released"
    And device1 receives that message
    Then its annotation "iothub-deliverycount" is 1 of AMQP type "ubyte"

  @HUB-C2D-006 @MUST
  Scenario Outline: <outcome> ends the message: it does not come again
    When the service sends a cloud-to-device message to device1
    And device1 receives that message
    And device1 settles it with "<outcome>"
    And the service sends another cloud-to-device message to device1
    Then the next message device1 receives is the later one

    Examples:
      | outcome  |
      | Accepted |
      | Rejected |

  @HUB-C2D-007 @HUB-ERR-002 @HUB-ERR-003 @MUST
  Scenario Outline: The hub refuses a cloud-to-device message <defect>
    When the service sends a cloud-to-device message <defect>
    Then the service's transfer is rejected with "<condition>"

    Examples:
      | defect                              | condition                       |
      | with no "to" property               | com.microsoft:argument-error    |
      | to "/devices/{device1}/messages/x"  | com.microsoft:argument-error    |
      | to an unknown device                | amqp:not-found                  |
      | with "iothub-ack" set to "sometimes" | com.microsoft:argument-error   |

  @HUB-C2D-008 @HUB-LIM-002 @MUST
  Scenario: A cloud-to-device message of exactly 64 KB is queued; one byte more is rejected
    When the service sends device1 a cloud-to-device message whose counted size is 65536 bytes
    Then the service's transfer is settled "Accepted"
    When the service sends device1 a cloud-to-device message whose counted size is 65537 bytes
    Then the service's transfer is rejected with "amqp:link:message-size-exceeded"

  @HUB-C2D-009 @HUB-LIM-003 @MUST
  Scenario: A device queue holds at most 50 messages
    When the service sends 50 cloud-to-device messages to device1
    And the service sends another cloud-to-device message to device1
    Then the service's transfer is rejected with "amqp:resource-limit-exceeded"
    And device1 completes 50 waiting messages

  @HUB-C2D-012 @MUST
  Scenario: After ten abandons the message is dead-lettered: it does not come an eleventh time
    When the service sends a cloud-to-device message to device1
    And device1 receives and releases that message 10 times
    And the service sends another cloud-to-device message to device1
    Then the next message device1 receives is the later one

  @HUB-C2D-013 @MUST
  Scenario: A message whose absolute-expiry-time has passed is never delivered
    When the service sends device1 a cloud-to-device message whose absolute-expiry-time has passed
    And the service sends another cloud-to-device message to device1
    Then the next message device1 receives is the later one
