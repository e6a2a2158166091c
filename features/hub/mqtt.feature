@mqtt
Feature: The MQTT face
  A device speaks MQTT 3.1.1 over TLS (port 8883): CONNECT with the device id as client id, the user name
  "{host}/{deviceId}/?api-version=..." and a SAS token as password. Telemetry is a PUBLISH to
  "devices/{deviceId}/messages/events/" with the message's properties as a URL-encoded bag at the end of the topic;
  cloud-to-device messages arrive on "devices/{deviceId}/messages/devicebound/{bag}" after a SUBSCRIBE to
  "devices/{deviceId}/messages/devicebound/#". Where AMQP answers with an error, MQTT closes the connection. The kit's
  MQTT probe is Eclipse Paho, the library the Java device SDK uses.

  @HUB-MQTT-001 @MUST
  Scenario: A device connects with its id, the documented user name and a SAS token
    When device1 connects over MQTT with a valid device1 token
    Then the CONNACK return code is 0

  @HUB-MQTT-002 @MUST
  Scenario Outline: Every refused CONNECT gets return code 5 (<case>)
    When device1 connects over MQTT with <token>
    Then the CONNACK return code is 5

    Examples:
      | case                 | token                                     |
      | a forged signature   | a device1 token with a forged signature   |
      | an expired token     | a device1 token that expired 10 minutes ago |
      | another device's key | a valid device2 token                     |

  @HUB-MQTT-003 @MUST
  Scenario: A client id that is not the user name's device is refused
    When device1 connects over MQTT with a valid device1 token and the client id "{device2}"
    Then the CONNACK return code is 5

  @HUB-MQTT-004 @HUB-MQTT-005 @MUST
  Scenario: Telemetry with a property bag is acknowledged and reaches the Event Hub-compatible endpoint with its properties
    Given the service is connected with SASL ANONYMOUS and has put a valid service token
    And the service has followed the redirect of "/messages/events/ConsumerGroups/$Default/Partitions/0" to the Event Hub-compatible endpoint
    And the service has noted the last sequence number of every partition
    And device1 is connected over MQTT
    When device1 publishes a telemetry message with a property bag over MQTT at QoS 1
    Then the PUBLISH is acknowledged
    And the service reads that message in consumer group "$Default" from the one partition that grew
    And the event's properties and application properties are the ones device1 set
    And its annotation "iothub-connection-device-id" is "{device1}"

  @HUB-MQTT-006 @MUST
  Scenario: A PUBLISH to another device's topic closes the connection
    Given device1 is connected over MQTT
    When device1 publishes "spoofed" over MQTT to "devices/{device2}/messages/events/" at QoS 1
    Then the hub closes device1's MQTT connection

  @HUB-MQTT-007 @MUST
  Scenario: A SUBSCRIBE to another device's messages closes the connection
    Given device1 is connected over MQTT
    When device1 subscribes over MQTT to "devices/{device2}/messages/devicebound/#" at QoS 1
    Then the hub closes device1's MQTT connection

  @HUB-MQTT-008 @MUST
  Scenario: A PUBLISH with QoS 2 closes the connection
    Given device1 is connected over MQTT
    When device1 publishes "twice" over MQTT to "devices/{device1}/messages/events/" at QoS 2
    Then the hub closes device1's MQTT connection

  @HUB-MQTT-009 @MUST
  Scenario: A SUBSCRIBE asking for QoS 2 is granted QoS 1
    Given device1 is connected over MQTT
    When device1 subscribes over MQTT to "devices/{device1}/messages/devicebound/#" at QoS 2
    Then the SUBACK grants QoS 1
    And device1's MQTT connection is open

  @HUB-MQTT-010 @MUST
  Scenario: A cloud-to-device message arrives with its properties in the topic
    Given the service is connected with SASL ANONYMOUS and has put a valid service token
    And device1 is connected over MQTT
    And device1 subscribes over MQTT to "devices/{device1}/messages/devicebound/#" at QoS 1
    When the service sends a cloud-to-device message to device1
    Then the service's transfer is settled "Accepted"
    And device1 receives a PUBLISH over MQTT
    And its topic is device1's devicebound topic with the message's properties in the bag

  @HUB-MQTT-011 @MUST
  Scenario: A twin GET is answered on the response topic with the request id and status 200
    Given device1 is connected over MQTT
    And device1 subscribes over MQTT to "$iothub/twin/res/#" at QoS 1
    When device1 publishes "" over MQTT to "$iothub/twin/GET/?$rid=42" at QoS 1
    Then device1 receives a PUBLISH over MQTT
    And its topic is "$iothub/twin/res/200/?$rid=42"
    And its body contains "\"desired\""

  @HUB-MQTT-012 @MUST
  Scenario: A reported-properties patch is answered 204 with the request id first and the new version
    Given device1 is connected over MQTT
    And device1 subscribes over MQTT to "$iothub/twin/res/#" at QoS 1
    When device1 publishes "{\"specs\":1}" over MQTT to "$iothub/twin/PATCH/properties/reported/?$rid=7" at QoS 1
    Then device1 receives a PUBLISH over MQTT
    And its topic matches "\$iothub/twin/res/204/\?\$rid=7&\$version=\d+"

  @HUB-MQTT-013 @MUST
  Scenario: A second connection with the same client id closes the first
    Given device1 is connected over MQTT
    When device1 connects over MQTT with a valid device1 token
    Then the CONNACK return code is 0
    And the hub closes device1's first MQTT connection
