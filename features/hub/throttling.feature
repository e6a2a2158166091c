Feature: Throttling and the daily quota
  IoT Hub throttles operations by tier and units and meters a daily message quota (reference/iothub-twin-methods-mqtt.md
  §7, from Microsoft's "IoT Hub quotas and throttling" article). Over AMQP a throttled device-to-cloud message is
  Rejected with "com.microsoft:device-container-throttled" (a condition the Java SDK retries); once the quota is used up
  it is Rejected with "amqp:resource-limit-exceeded" (IotHubQuotaExceeded, 403002, not retried) until 00:00 UTC.

  # Needs the simulator: provoking the hub's throttle without thousands of messages takes its fault API.
  @HUB-LIM-004 @MUST @simulator
  Scenario: A throttled device-to-cloud message is rejected as throttled, and the link keeps working
    Given the target throttles the next 1 device-to-cloud send of device1
    And device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    When a sender to "/devices/{device1}/messages/events" is attached
    And a telemetry message of 100 bytes is sent on it
    Then the transfer is rejected with "com.microsoft:device-container-throttled"
    When a telemetry message of 100 bytes is sent on it
    Then the transfer is settled "Accepted"

  # Needs the simulator: a day's quota is 8,000 to 300,000,000 messages; its fault API uses it up at once.
  @HUB-LIM-008 @MUST @simulator
  Scenario: Once the daily quota is used up, a device-to-cloud message is rejected with resource-limit-exceeded
    Given the target's daily message quota is used up
    And device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    When a sender to "/devices/{device1}/messages/events" is attached
    And a telemetry message of 100 bytes is sent on it
    Then the transfer is rejected with "amqp:resource-limit-exceeded"
