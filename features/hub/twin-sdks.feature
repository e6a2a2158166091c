Feature: The other SDKs' twin sequences over AMQP
  The Java SDK's twin sequence is in twin.feature. The Node, C and .NET SDKs use the same links differently
  (reference/iothub-twin-methods-mqtt.md §1.1-§1.3): their senders send every request pre-settled, so the answer
  message is all they get back; their correlation-ids are strings (Node and C: a UUID's text, .NET: "Get", "Patch" or
  "Put" and a GUID, by which it tells the answers apart); Node and C send a Data section " " where Java and .NET send
  no body; .NET's PATCH carries the "version" annotation with a null value. Each scenario sends one SDK's sequence.

  Background:
    Given device1 is connected with SASL ANONYMOUS and has put a valid device1 token

  @HUB-TWIN-010 @MUST
  Scenario: Node: the subscription PUT, sent pre-settled, completes on its answer, which echoes the string correlation-id; then GET and DELETE
    Given device1 has a twin channel whose sender sends pre-settled
    When a twin PUT of "/notifications/twin/properties/desired" with a correlation-id of AMQP type "string" and body " " is sent
    Then the twin answer echoes the correlation-id as AMQP type "string"
    And the twin answer's "status" is 200
    When a twin GET with a correlation-id of AMQP type "string" is sent
    Then the twin answer echoes the correlation-id as AMQP type "string"
    And the twin answer's body holds desired and reported properties, each with its $version
    When a twin DELETE of "/notifications/twin/properties/desired" with a correlation-id of AMQP type "string" and body " " is sent
    Then the twin answer echoes the correlation-id as AMQP type "string"
    And the twin answer's "status" is 200

  @HUB-TWIN-011 @MUST
  Scenario: C: a GET answered with the properties, then the subscription PUT, then its unsubscribe, which C sends as a second PUT
    Given device1 has a twin channel whose sender sends pre-settled
    When a twin GET with a correlation-id of AMQP type "string" is sent
    Then the twin answer's "status" is 200 of AMQP type "int"
    And the twin answer's body holds desired and reported properties, each with its $version
    When a twin PUT of "/notifications/twin/properties/desired" with a correlation-id of AMQP type "string" and body " " is sent
    Then the twin answer's "status" is a 2xx AMQP int
    When a twin PUT of "/notifications/twin/properties/desired" with a correlation-id of AMQP type "string" and body " " is sent
    Then the twin answer echoes the correlation-id as AMQP type "string"
    And the twin answer's "status" is a 2xx AMQP int

  @HUB-TWIN-012 @MUST
  Scenario: .NET: "Get" and "Patch" correlation-ids come back unchanged; a GET without body and a PATCH with a null "version" are served
    Given device1 has a twin channel whose sender sends pre-settled
    When a twin GET with the correlation-id "Get" + a GUID and no body section is sent
    Then the twin answer echoes the correlation-id as AMQP type "string"
    And the twin answer's "status" is 200
    When a twin PATCH of "/properties/reported" with the correlation-id "Patch" + a GUID, a null "version" and body '{"sdk":"dotnet"}' is sent
    Then the twin answer echoes the correlation-id as AMQP type "string"
    And the twin answer's "status" is 204
