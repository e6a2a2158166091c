Feature: Direct methods
  A service invokes a method on a device over the hub's HTTPS service API (POST /twins/{id}/methods); the device
  receives it on its receiver of /devices/{id}/methods/devicebound and answers on its sender of the same address
  (reference/iothub-twin-methods-mqtt.md §2, §5.3). The kit calls the API on the service's host, at the HTTPS port
  (443 unless hubsim.specs.httpsPort says otherwise), with a token of the service policy.

  @HUB-MTH-001 @MUST
  Scenario: A method request carries a uuid correlation-id, the method name and the JSON payload
    Given device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    And device1 has attached its method receiver and sender
    When the service invokes method "reboot" on device1 with payload "{\"delay\":3}", response timeout 30 s and connect timeout 0 s
    Then the device receives a request for method "reboot" with payload "{\"delay\":3}"
    And the device answers with status 200 and payload "{}"

  @HUB-MTH-002 @MUST
  Scenario: The device's status and payload come back to the caller
    Given device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    And device1 has attached its method receiver and sender
    When the service invokes method "status" on device1 with payload "null", response timeout 30 s and connect timeout 0 s
    And the device takes the request
    And the device answers with status 201 and payload "{\"state\":\"ok\"}"
    Then the service's call returns status 201 and payload "{\"state\":\"ok\"}"

  @HUB-MTH-003 @MUST
  Scenario: A device that is not subscribed to methods is not online for them
    When the service invokes method "status" on device2 with payload "null", response timeout 30 s and connect timeout 0 s
    Then the service's call fails with HTTP 404 and error code 404103

  @HUB-MTH-004 @MUST
  Scenario: A device that does not answer within the response timeout makes the call time out
    Given device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    And device1 has attached its method receiver and sender
    When the service invokes method "slow" on device1 with payload "null", response timeout 5 s and connect timeout 0 s
    And the device takes the request
    Then the service's call fails with HTTP 504 and error code 504101

  @HUB-MTH-006 @MUST
  Scenario: Node: the request's correlation-id is an RFC 4122 uuid, which Node echoes as a uuid
    Given device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    And device1 has attached its method receiver and sender
    When the service invokes method "node" on device1 with payload "{}", response timeout 30 s and connect timeout 0 s
    And the device takes the request
    Then the request's correlation-id is an RFC 4122 uuid of version 1 to 5
    When the device answers with status 200 and payload "{\"sdk\":\"node\"}"
    Then the service's call returns status 200 and payload "{\"sdk\":\"node\"}"

  @HUB-MTH-007 @MUST
  Scenario: C: links named by the device id alone; a call without payload still reaches the device as one Data section
    Given device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    And device1 has attached its method links as the C SDK does, named by the device id alone
    When the service invokes method "c" on device1 with payload "null", response timeout 30 s and connect timeout 0 s
    Then the device receives a request for method "c" with payload "null"
    And the device answers with status 200 and payload "{}"
    Then the service's call returns status 200 and payload "{}"

  @HUB-MTH-008 @MUST
  Scenario: .NET: an answer sent pre-settled and without a body returns the device's status with a null payload
    Given device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    And device1 has attached its method receiver and a sender that sends pre-settled
    When the service invokes method "unregistered" on device1 with payload "null", response timeout 5 s and connect timeout 0 s
    And the device takes the request
    And the device answers with status 501 and no body
    Then the service's call returns status 501 and payload "null"

  @HUB-MTH-009 @SHOULD
  Scenario: An answer for no waiting call is dropped, and the links serve on
    Given device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    And device1 has attached its method receiver and sender
    When the device answers a request the hub never sent, with status 200
    Then that answer is settled "Accepted"
    When the service invokes method "after" on device1 with payload "{}", response timeout 30 s and connect timeout 0 s
    And the device takes the request
    And the device answers with status 200 and payload "{}"
    Then the service's call returns status 200 and payload "{}"
