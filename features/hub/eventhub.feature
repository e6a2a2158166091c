Feature: Redirect to the Event Hub-compatible endpoint
  Device telemetry is read from the hub's built-in Event Hub-compatible endpoint. A service client first attaches a
  receiver to the hub's own "/messages/events/ConsumerGroups/{group}/Partitions/{partition}"; the hub refuses that
  attach with "amqp:link:redirect" and an info map (symbol keys) saying where the endpoint is: "hostname",
  "network-host", "port" and "address". The client connects there, puts an Event Hubs SAS token on $cbs, asks
  "$management" for the partitions, and reads a partition with a start filter. Each event carries annotations the
  hub stamped on it when the device sent it.

  Background:
    Given the service is connected with SASL ANONYMOUS and has put a valid service token

  @HUB-RED-001 @MUST
  Scenario: A receiver on the hub's events path is redirected, with where to go in the info map
    When the service attaches a receiver to "/messages/events/ConsumerGroups/$Default/Partitions/0"
    Then the attach is refused with "amqp:link:redirect"
    And the refusal's info carries "hostname", "network-host", "port" and "address"
    And the refusal's info "address" ends with "/ConsumerGroups/$Default/Partitions/0"

  @HUB-EH-001 @MUST
  Scenario: Telemetry can be read from the partition it was stored in
    Given the service has followed the redirect of "/messages/events/ConsumerGroups/$Default/Partitions/0" to the Event Hub-compatible endpoint
    And the service has noted the last sequence number of every partition
    And device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    And a sender to "/devices/{device1}/messages/events" is attached
    When a telemetry message of 100 bytes is sent on it
    Then the transfer is settled "Accepted"
    And the service reads that message in consumer group "$Default" from the one partition that grew
    And its annotation "x-opt-sequence-number" is of AMQP type "long"
    And its annotation "x-opt-offset" is of AMQP type "string"
    And its annotation "x-opt-enqueued-time" is of AMQP type "timestamp"

  @HUB-TEL-002 @MUST
  Scenario: Stored telemetry carries the hub's stamps of who sent it
    Given the service has followed the redirect of "/messages/events/ConsumerGroups/$Default/Partitions/0" to the Event Hub-compatible endpoint
    And the service has noted the last sequence number of every partition
    And device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    And a sender to "/devices/{device1}/messages/events" is attached
    When a telemetry message of 100 bytes is sent on it
    Then the service reads that message in consumer group "$Default" from the one partition that grew
    And its annotation "iothub-connection-device-id" is "{device1}"
    And its annotation "iothub-connection-auth-method" is of AMQP type "string"
    And its annotation "iothub-connection-auth-generation-id" is of AMQP type "string"
    And its annotation "iothub-enqueuedtime" is of AMQP type "timestamp"
    And its annotation "iothub-message-source" is "Telemetry"
