Feature: Cloud-to-device lock timeout and time to live
  A delivered message stays locked for the device for one minute; if the device settles it in no way, it comes back
  without its delivery count raised. A message lives for its absolute-expiry-time, by default one hour, at most two
  days; an expired message is never delivered. Scenarios on "the timing target" run against a simulator whose lock
  lasts seconds and whose clock a scenario can move forward; @slow ones take the real minute against any endpoint.

  # Needs the simulator: only there is the lock short enough for the build; the @slow scenario takes the real minute.
  @HUB-C2D-011 @MUST @simulator
  Scenario: An unsettled delivery comes back when its lock times out, with its delivery count unchanged
    Given the target is the timing target
    And the service is connected with SASL ANONYMOUS and has put a valid service token
    And device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    And device1 has a receiver on "/devices/{device1}/messages/devicebound"
    When the service sends a cloud-to-device message to device1
    And device1 receives that message and leaves it unsettled
    Then device1 receives that message again, not before the target's lock timeout
    And its annotation "iothub-deliverycount" is 0 of AMQP type "ubyte"

  # Any endpoint, on request (-Phub-specs-slow).
  @HUB-C2D-011 @MUST @slow
  Scenario: An unsettled delivery comes back after one minute, with its delivery count unchanged
    Given the service is connected with SASL ANONYMOUS and has put a valid service token
    And device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    And device1 has a receiver on "/devices/{device1}/messages/devicebound"
    When the service sends a cloud-to-device message to device1
    And device1 receives that message and leaves it unsettled
    Then device1 receives that message again, not before 60 seconds
    And its annotation "iothub-deliverycount" is 0 of AMQP type "ubyte"

  # Needs the simulator: only there can the clock be moved an hour or two days forward.
  @HUB-C2D-014 @MUST @simulator
  Scenario Outline: A message's time to live defaults to one hour and is at most two days (<case>)
    Given the target is the timing target
    And the service is connected with SASL ANONYMOUS and has put a valid service token
    When the service sends device1 a cloud-to-device message <expiry>
    And the target's clock moves forward by <moved>
    And the service is connected with SASL ANONYMOUS and has put a valid service token
    And the service sends another cloud-to-device message to device1
    And device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    And device1 has a receiver on "/devices/{device1}/messages/devicebound"
    Then the next message device1 receives is <which>

    Examples:
      | case                        | expiry                                 | moved      | which         |
      | default, within the hour    | without an absolute-expiry-time        | 59 minutes | the first one |
      | default, past the hour      | without an absolute-expiry-time        | 61 minutes | the later one |
      | asked for 3 days, at 47 h   | whose absolute-expiry-time is in 3 days | 47 hours   | the first one |
      | asked for 3 days, at 49 h   | whose absolute-expiry-time is in 3 days | 49 hours   | the later one |
