@needs-deviceSdk
Feature: What any device client does on the wire (for adapters of SDK-style clients)
  Clients that do not implement the imp API model (e.g. the Azure IoT device SDKs) declare the "deviceSdk" capability:
  the kit opens a device client from a connection string, sends telemetry and hands it cloud-to-device messages, and
  judges what the hub saw. The hub runs the default iothub profile on port 5671 for these.

  Background:
    Given a fresh client agent

  @IMP-WIRE-001 @MUST
  Scenario: The put-token for the device comes before the device link's attach
    When the device client "dc1" opens for device1
    And "dc1" sends the telemetry "hello from the sdk"
    Then 1 transfer was reported sent with outcome "accepted"
    And the hub saw the put-token before the attach of "/devices/device1/messages/events"

  @IMP-WIRE-002 @MUST
  Scenario: A cloud-to-device message the device takes is settled Accepted
    When the device client "dc1" opens for device1
    And the hub sends device1 a cloud-to-device message "hello device" with property "n" "5"
    Then "dc1" receives a message with property "n" "5"
    And the hub sees the client settle it "Accepted"

  @IMP-FLOW-002 @SHOULD @needs-tokenRenewal
  Scenario: The device renews its token before it expires, and its links stay attached
    When the device client "dc1" opens for device1 with tokens valid for 6 seconds
    Then the hub sees a second put-token for device1 on the same connection before the first token expired
    And "dc1" sends the telemetry "after renewal"
    And 1 transfer was reported sent with outcome "accepted"
    And the hub detached no link of the connection with "amqp:unauthorized-access"
