Feature: Delivery feedback
  A cloud-to-device message with the application property "iothub-ack" = positive, negative or full makes the hub
  report its fate on "/messages/serviceBound/feedback": a message with content type
  "application/vnd.microsoft.iothub.feedback.json", user-id = the hub name, and a JSON array of records
  {originalMessageId, enqueuedTimeUtc, statusCode, description, deviceId, deviceGenerationId}.

  Background:
    Given the service is connected with SASL ANONYMOUS and has put a valid service token
    And the service has a receiver on "/messages/serviceBound/feedback"
    And device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    And device1 has a receiver on "/devices/{device1}/messages/devicebound"

  @HUB-FB-001 @HUB-FB-002 @HUB-FB-003 @HUB-C2D-010 @HUB-LINK-007 @MUST
  Scenario Outline: "iothub-ack" = <ack> and a device outcome <outcome> give a "<statusCode>" record
    When the service sends a cloud-to-device message to device1 with "iothub-ack" set to "<ack>"
    And device1 receives that message
    And device1 settles it with "<outcome>"
    Then a feedback record for that message arrives with statusCode "<statusCode>" and deviceId device1
    And the feedback message has content-type "application/vnd.microsoft.iothub.feedback.json" and user-id the hub name

    Examples:
      | ack      | outcome  | statusCode |
      | full     | Accepted | Success    |
      | positive | Accepted | Success    |
      | negative | Rejected | Rejected   |
      | full     | Rejected | Rejected   |
