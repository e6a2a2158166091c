Feature: Delivery feedback
  A cloud-to-device message with the application property "iothub-ack" = positive, negative or full makes the hub
  report its fate on "/messages/serviceBound/feedback": a message with content type
  "application/vnd.microsoft.iothub.feedback.json", user-id = the hub name, and a JSON array of records
  {originalMessageId, enqueuedTimeUtc, statusCode, description, deviceId, deviceGenerationId}. "none" (the default)
  asks for no feedback; positive for Success only; negative for the dead-lettering outcomes only.
  To know that a record will not come, a scenario sends a sentinel message with "iothub-ack" = full after the one it
  checks and waits for the sentinel's record: the hub reports outcomes in the order they happen.

  Background:
    Given the service is connected with SASL ANONYMOUS and has put a valid service token
    And the service has a receiver on "/messages/serviceBound/feedback"
    And device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    And device1 has a receiver on "/devices/{device1}/messages/devicebound"
    And device1 has taken every message waiting for it

  @HUB-LINK-007 @MUST
  Scenario: The service's links attach: a sender to "/messages/devicebound" and a receiver on "/messages/serviceBound/feedback"
    When the service sends a cloud-to-device message to device1
    Then the service's transfer is settled "Accepted"

  @HUB-FB-001 @HUB-FB-002 @MUST
  Scenario: Feedback is a JSON array of records in a message from the hub
    When the service sends a cloud-to-device message to device1 with "iothub-ack" set to "full"
    And device1 receives that message
    And device1 settles it with "Accepted"
    Then a feedback record for that message arrives with statusCode "Success" and deviceId device1
    And the record has "originalMessageId", "enqueuedTimeUtc", "statusCode", "description", "deviceId" and "deviceGenerationId"
    And the feedback message has content-type "application/vnd.microsoft.iothub.feedback.json" and user-id the hub name

  Scenario Outline: "iothub-ack" = <ack> and the device's <outcome> give a "<statusCode>" record
    When the service sends a cloud-to-device message to device1 with "iothub-ack" set to "<ack>"
    And device1 receives that message
    And device1 settles it with "<outcome>"
    Then a feedback record for that message arrives with statusCode "<statusCode>" and deviceId device1

    @HUB-FB-003 @HUB-C2D-010 @MUST
    Examples:
      | ack      | outcome  | statusCode |
      | full     | Accepted | Success    |
      | positive | Accepted | Success    |
      | negative | Rejected | Rejected   |
      | full     | Rejected | Rejected   |

  @HUB-C2D-010 @MUST
  Scenario Outline: "iothub-ack" = <ack> and the device's <outcome> give no record
    When the service sends a cloud-to-device message to device1 <ack>
    And device1 receives that message
    And device1 settles it with "<outcome>"
    And the service sends a sentinel message with "iothub-ack" set to "full" that device1 completes
    Then no feedback record for that message arrives before the sentinel's

    Examples:
      | ack                               | outcome  |
      | with "iothub-ack" set to "none"   | Accepted |
      | with "iothub-ack" set to "none"   | Rejected |
      | without "iothub-ack"              | Accepted |
      | with "iothub-ack" set to "positive" | Rejected |
      | with "iothub-ack" set to "negative" | Accepted |

  @HUB-FB-005 @MUST
  Scenario: A message abandoned until its delivery count is used up gives a "DeliveryCountExceeded" record
    When the service sends a cloud-to-device message to device1 with "iothub-ack" set to "negative"
    And device1 receives and releases that message 10 times
    Then a feedback record for that message arrives with statusCode "DeliveryCountExceeded" and deviceId device1

  @HUB-FB-005 @MUST
  Scenario: A message that expired before delivery gives an "Expired" record
    When the service sends device1 a cloud-to-device message whose absolute-expiry-time has passed with "iothub-ack" set to "full"
    Then a feedback record for that message arrives with statusCode "Expired" and deviceId device1

  # Needs the simulator: purging is a REST operation of the hub's service API, which the kit does not speak.
  @HUB-FB-005 @MUST @simulator
  Scenario: Purging a device's queue gives a "Purged" record for each message that asked for negative feedback
    Given device1 has no receiver on "/devices/{device1}/messages/devicebound"
    When the service sends a cloud-to-device message to device1 with "iothub-ack" set to "negative"
    And the simulator purges device1's cloud-to-device queue
    Then a feedback record for that message arrives with statusCode "Purged" and deviceId device1
