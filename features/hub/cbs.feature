Feature: Claims-based security on $cbs
  A client without a SASL PLAIN identity authorises itself by sending put-token requests on a sender to "$cbs":
  application properties "operation" = "put-token", "type" = the token type, "name" = the audience, and the SAS token
  as an AMQP value string body. The hub settles the request Accepted, then answers on the client's $cbs receiver with
  "correlation-id" = the request's "message-id" (same AMQP type), "status-code" (AMQP int) and "status-description".

  Background:
    Given a client connected with SASL ANONYMOUS
    And a $cbs sender and receiver attached on one session

  @HUB-CBS-001 @HUB-CBS-007 @MUST
  Scenario: A put-token is settled Accepted and answered 200 "OK"
    When a put-token for device1 with a valid device1 token is sent
    Then the request is settled "Accepted"
    And the reply's "status-code" is 200
    And the reply's "status-description" is "OK"

  @HUB-CBS-005 @MUST
  Scenario Outline: The reply echoes the request's message-id of AMQP type <type>
    When a put-token for device1 with a valid device1 token is sent with a message-id of AMQP type "<type>"
    Then the reply's correlation-id equals the request's message-id, of AMQP type "<type>"

    Examples:
      | type   |
      | uuid   |
      | string |
      | ulong  |

  @HUB-CBS-006 @MUST
  Scenario Outline: The status-code is an AMQP int (<case>)
    When a put-token for device1 with <token> is sent
    Then the reply's "status-code" is <status> of AMQP type "int"

    Examples:
      | case      | token                                   | status |
      | granted   | a valid device1 token                   | 200    |
      | refused   | a device1 token with a forged signature | 401    |

  @HUB-CBS-008 @HUB-SAS-002 @HUB-SAS-003 @HUB-SAS-004 @MUST
  Scenario Outline: The status-code of a put-token says whether the token holds (<case>)
    When a put-token for <audience> with <token> is sent
    Then the reply's "status-code" is <status>

    Examples:
      | case                             | audience | token                                       | status |
      | device token                     | device1  | a valid device1 token                       | 200    |
      | service policy token for the hub | the hub  | a valid service token                       | 200    |
      | forged signature                 | device1  | a device1 token with a forged signature     | 401    |
      | expired beyond the clock skew    | device1  | a device1 token that expired 10 minutes ago | 401    |
      | another device's token           | device1  | a valid device2 token                       | 401    |

  @HUB-CBS-002 @MUST
  Scenario Outline: Both SAS token types are accepted (<type>)
    When a put-token for device1 with a valid device1 token and type "<type>" is sent
    Then the reply's "status-code" is 200

    Examples:
      | type                            |
      | servicebus.windows.net:sastoken |
      | azure-devices.net:sastoken      |

  @HUB-CBS-003 @MUST
  Scenario Outline: The audience may be raw or URL-encoded (<form>)
    When a put-token named "<name>" with a valid device1 token is sent
    Then the reply's "status-code" is 200

    Examples:
      | form        | name                           |
      | raw         | {host}/devices/{device1}       |
      | URL-encoded | {host}%2Fdevices%2F{device1}   |

  @HUB-CBS-009 @SHOULD
  Scenario Outline: A request that is not a well-formed put-token is answered 400 (<defect>)
    When a put-token for device1 is sent with <defect>
    Then the reply's "status-code" is 400

    Examples:
      | defect                   |
      | no "operation" property  |
      | no "type" property       |
      | no "name" property       |
      | a body that is not a string |

  @HUB-CBS-010 @HUB-LINK-005 @MUST
  Scenario: A device link attaches only after its put-token succeeded
    When a sender to "/devices/{device1}/messages/events" is attached
    Then the attach is refused with "amqp:unauthorized-access"
    When a put-token for device1 with a valid device1 token is sent
    Then the reply's "status-code" is 200
    And a sender to "/devices/{device1}/messages/events" attaches
