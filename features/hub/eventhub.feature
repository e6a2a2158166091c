Feature: Redirect to the Event Hub-compatible endpoint
  Device telemetry is read from the hub's built-in Event Hub-compatible endpoint. A service client first attaches a
  receiver to the hub's own "/messages/events/ConsumerGroups/{group}/Partitions/{partition}"; the hub refuses that
  attach with "amqp:link:redirect" and an info map (symbol keys) saying where the endpoint is: "hostname",
  "network-host", "port" and "address". The client connects there, puts an Event Hubs SAS token on $cbs, asks
  "$management" for the partitions, and reads a partition from where a selector filter says. Each event carries
  annotations the hub stamped on it when the device sent it.

  Background:
    Given the service is connected with SASL ANONYMOUS and has put a valid service token

  @HUB-RED-001 @MUST
  Scenario: A receiver on the hub's events path is redirected, with where to go in the info map
    When the service attaches a receiver to "/messages/events/ConsumerGroups/$Default/Partitions/0"
    Then the attach is refused with "amqp:link:redirect"
    And the refusal's info carries "hostname", "network-host", "port" and "address"
    And the refusal's info "address" ends with "/ConsumerGroups/$Default/Partitions/0"

  @HUB-RED-002 @MUST
  Scenario: A device's claim does not get the redirect: the events path is refused
    Given device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    When device1 attaches a receiver to "/messages/events/ConsumerGroups/$Default/Partitions/0"
    Then the attach is refused with "amqp:unauthorized-access"

  @HUB-RED-002 @MUST
  Scenario: No claim, no redirect: the events path is refused
    Given a client connected with SASL ANONYMOUS
    When a client attaches a receiver to "/messages/events/ConsumerGroups/$Default/Partitions/0"
    Then the attach is refused with "amqp:unauthorized-access"

  @HUB-EH-007 @MUST
  Scenario: The endpoint the redirect names takes an Event Hubs token signed with the service policy's key
    When the service has followed the redirect of "/messages/events/ConsumerGroups/$Default/Partitions/0" to the Event Hub-compatible endpoint
    Then the endpoint grants the service policy's Event Hubs token

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

  @HUB-EH-001 @MUST
  Scenario: Events carry their position in the partition as x-opt annotations of the documented types
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

  @HUB-TEL-004 @MUST
  Scenario: The properties and application properties a device sets reach the Event Hub-compatible endpoint
    Given the service has followed the redirect of "/messages/events/ConsumerGroups/$Default/Partitions/0" to the Event Hub-compatible endpoint
    And the service has noted the last sequence number of every partition
    And device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    And a sender to "/devices/{device1}/messages/events" is attached
    When a telemetry message with every property set is sent on it
    Then the service reads that message in consumer group "$Default" from the one partition that grew
    And the event's properties and application properties are the ones device1 set

  @HUB-EH-005 @MUST
  Scenario: All of one device's messages go to one partition
    Given the service has followed the redirect of "/messages/events/ConsumerGroups/$Default/Partitions/0" to the Event Hub-compatible endpoint
    And the service has noted the last sequence number of every partition
    And device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    And a sender to "/devices/{device1}/messages/events" is attached
    When 3 telemetry messages are sent on it
    Then exactly one partition grew, by 3 events

  @HUB-TEL-003 @MUST
  Scenario: A batch (message format 0x80013700) is stored as one event per message, each stamped and numbered on its own
    Given the service has followed the redirect of "/messages/events/ConsumerGroups/$Default/Partitions/0" to the Event Hub-compatible endpoint
    And the service has noted the last sequence number of every partition
    And device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    And a sender to "/devices/{device1}/messages/events" is attached
    When a batch of 3 telemetry messages is sent on it
    Then the transfer is settled "Accepted"
    And exactly one partition grew, by 3 events
    And each of those events carries its own sequence number, one after the other, device1's stamp and what was sent

  Scenario Outline: A receiver starts where its selector filter says: <start>
    Given the service has followed the redirect of "/messages/events/ConsumerGroups/$Default/Partitions/0" to the Event Hub-compatible endpoint
    And the service has noted the last sequence number of every partition
    And device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    And a sender to "/devices/{device1}/messages/events" is attached
    And 3 telemetry messages were sent on it and read back with their annotations
    When the service reads device1's partition with the filter "<filter>"
    Then the first event it gets is <first>

    @HUB-EH-001 @MUST
    Examples: after a sequence number, quoted as the Event Hubs clients write it
      | start                      | filter                                                     | first     |
      | after the first message    | amqp.annotation.x-opt-sequence-number > '{sequence of 1}'  | message 2 |
      | from the second message on | amqp.annotation.x-opt-sequence-number >= '{sequence of 2}' | message 2 |

    @HUB-EH-004 @MUST
    Examples: the unquoted form of Microsoft's Python sample
      | start                      | filter                                                     | first     |
      | after the first message    | amqp.annotation.x-opt-sequence-number > {sequence of 1}    | message 2 |

    @HUB-EH-003 @MUST
    Examples: after an offset, or an enqueued time
      | start                                   | filter                                                       | first                                          |
      | after the first message's offset        | amqp.annotation.x-opt-offset > '{offset of 1}'               | message 2                                      |
      | from the second message's offset        | amqp.annotation.x-opt-offset >= '{offset of 2}'              | message 2                                      |
      | after the first message's enqueued time | amqp.annotation.x-opt-enqueued-time > '{enqueued time of 1}' | the first message enqueued after message 1     |
