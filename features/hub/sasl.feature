Feature: SASL and connection open
  IoT Hub accepts SASL PLAIN with a SAS token as the password ("{deviceId}@sas.{hub}" for a device,
  "{policy}@sas.root.{hub}" for a shared access policy), and SASL ANONYMOUS (or MSSBCBS, used by the C SDK) followed
  by claims-based security on the $cbs node. Names in braces are the target's: {device1}, {hub}, {policy}, {host}.

  @HUB-SASL-001 @MUST
  Scenario: A device authenticates with SASL PLAIN and a token for itself
    When device1 connects with SASL PLAIN as "{device1}@sas.{hub}" with a valid device1 token
    Then the SASL outcome is "PN_SASL_OK"
    And the connection is open
    And a sender to "/devices/{device1}/messages/events" attaches

  @HUB-SASL-002 @MUST
  Scenario: A service authenticates with SASL PLAIN and a policy token
    When the service connects with SASL PLAIN as "{policy}@sas.root.{hub}" with a valid service token
    Then the SASL outcome is "PN_SASL_OK"
    And a sender to "/messages/devicebound" attaches

  @HUB-SASL-003 @MUST
  Scenario Outline: SASL PLAIN with a bad credential fails authentication (<case>)
    When device1 connects with SASL PLAIN as "<user name>" with <password>
    Then the SASL outcome is "PN_SASL_AUTH"

    Examples:
      | case                      | user name           | password                                |
      | forged signature          | {device1}@sas.{hub} | a device1 token with a forged signature |
      | another device's token    | {device1}@sas.{hub} | a valid device2 token                   |
      | user name without the hub | {device1}           | a valid device1 token                   |

  Scenario Outline: SASL <mechanism> opens the connection for claims-based security
    When a client connects with SASL <mechanism>
    Then the SASL outcome is "PN_SASL_OK"
    And the connection is open
    And a put-token for device1 with a valid device1 token is answered with status-code 200

    @HUB-SASL-004 @MUST
    Examples: what the Java, Node and service SDKs use
      | mechanism |
      | ANONYMOUS |

    @HUB-SASL-005 @SHOULD
    Examples: what the C SDK uses
      | mechanism |
      | MSSBCBS   |

  # Needs the simulator: a real hub's tokens cannot be made to lapse on demand within a test run.
  @HUB-SASL-006 @MUST @simulator
  Scenario: When the SASL PLAIN token lapses, the connection is closed
    When device1 connects with SASL PLAIN as "{device1}@sas.{hub}" with a valid device1 token
    Then the connection is open
    When the simulator expires device1's claims
    Then the connection is closed with "amqp:unauthorized-access" and a description starting "Token Invalid."
