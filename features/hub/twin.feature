Feature: Device twins over AMQP
  A device reads and patches its twin on a pair of links on "/devices/{deviceId}/twin", a sender for requests and a
  receiver for answers and desired-property pushes, sharing the link property "com.microsoft:channel-correlation-id".
  A request carries the annotations "operation" (GET, PATCH, PUT, DELETE) and "resource", and a correlation-id the
  answer echoes; the answer carries the annotation "status" (an int) and, after a PATCH, "version" (a long).

  Background:
    Given device1 is connected with SASL ANONYMOUS and has put a valid device1 token
    And device1 has a twin channel

  @HUB-TWIN-001 @HUB-TWIN-008 @MUST
  Scenario: A GET is answered 200 with the desired and reported properties, each with its $version, and no tags
    When a twin GET with a correlation-id of AMQP type "uuid" is sent
    Then the twin answer's "status" is 200
    And the twin answer has no body or one Data section
    And the twin answer's body holds desired and reported properties, each with its $version
    And the twin answer's body has no "/tags"

  @HUB-TWIN-002 @MUST
  Scenario: Every twin request is settled Accepted
    When a twin PUT of "/notifications/twin/properties/desired" with a correlation-id of AMQP type "uuid" is sent
    Then the twin request is settled "Accepted"
    When a twin GET with a correlation-id of AMQP type "string" is sent
    Then the twin request is settled "Accepted"

  @HUB-TWIN-003 @MUST
  Scenario Outline: The answer echoes the request's correlation-id of AMQP type <type>
    When a twin GET with a correlation-id of AMQP type "<type>" is sent
    Then the twin answer echoes the correlation-id as AMQP type "<type>"

    Examples:
      | type   |
      | uuid   |
      | string |

  @HUB-TWIN-004 @MUST
  Scenario Outline: The status annotation is an AMQP int (<operation>)
    When a twin <operation> of "<resource>" with a correlation-id of AMQP type "uuid" is sent
    Then the twin answer's "status" is <status> of AMQP type "int"

    Examples:
      | operation | resource                                | status |
      | PUT       | /notifications/twin/properties/desired  | 200    |
      | POST      | /properties/desired                     | 400    |

  @HUB-TWIN-005 @HUB-TWIN-008 @MUST
  Scenario: A reported patch is answered 204 with the new version, merges, and null removes
    When a twin PATCH of "/properties/reported" with body '{"fw":"1.0","temp":{"now":21,"max":30}}' is sent
    Then the twin answer's "status" is 204
    And the twin answer has no body or one Data section
    And the twin answer's "version" is an AMQP long equal to the reported $version
    When a twin PATCH of "/properties/reported" with body '{"temp":{"max":null},"fw":"1.1"}' is sent
    And a twin GET with a correlation-id of AMQP type "uuid" is sent
    Then the twin answer's body has "/reported/fw" = '"1.1"'
    And the twin answer's body has "/reported/temp/now" = "21"
    And the twin answer's body has no "/reported/temp/max"

  @HUB-TWIN-006 @MUST
  Scenario Outline: Subscribing and unsubscribing to desired properties is answered 2xx (<operation>)
    When a twin <operation> of "/notifications/twin/properties/desired" with a correlation-id of AMQP type "uuid" is sent
    Then the twin answer's "status" is 200

    Examples:
      | operation |
      | PUT       |
      | DELETE    |

  @HUB-TWIN-007 @MUST @simulator
  Scenario: A desired change reaches a subscribed device with its $version
    When a twin PUT of "/notifications/twin/properties/desired" with a correlation-id of AMQP type "uuid" is sent
    And the simulator changes device1's desired properties by '{"fan":{"speed":2}}'
    Then the twin channel gets a push without correlation-id, with "resource", an AMQP long "version" and that $version in its body
    And the twin answer's body has "/fan/speed" = "2"

  @HUB-TWIN-009 @SHOULD
  Scenario Outline: A request the hub cannot serve is answered 400 with a JSON body, and the channel serves on (<case>)
    When a twin PATCH of "/properties/reported" with body '<body>' is sent
    Then the twin answer's "status" is 400
    And the twin answer's body has "/errorCode" = "400004"
    When a twin GET with a correlation-id of AMQP type "uuid" is sent
    Then the twin answer's "status" is 200

    Examples:
      | case               | body                                   |
      | malformed JSON     | {"a":                                  |
      | invalid key        | {"a.b":1}                              |
      | string over 4 KB   | {"s":"{4097 x}"}                       |
      | depth 11           | {"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{"a":{}}}}}}}}}}} |
      | reported over 32 KB | {"k1":"{4000 x}","k2":"{4000 x}","k3":"{4000 x}","k4":"{4000 x}","k5":"{4000 x}","k6":"{4000 x}","k7":"{4000 x}","k8":"{4000 x}","k9":"{4000 x}"} |

  @HUB-TWIN-009 @SHOULD
  Scenario: An unknown operation is answered 400 with a JSON body, and the channel serves on
    When a twin POST of "/properties/desired" with a correlation-id of AMQP type "uuid" is sent
    Then the twin answer's "status" is 400
    And the twin answer's body has "/errorCode" = "400004"
    When a twin GET with a correlation-id of AMQP type "uuid" is sent
    Then the twin answer's "status" is 200
