Feature: Refused links
  A link the hub will not serve is answered with the refusal framing: an attach with a null source/target, then at
  once a closing detach carrying the error condition and description.

  Background:
    Given device1 is connected with SASL ANONYMOUS and has put a valid device1 token

  @HUB-ERR-001 @MUST
  Scenario Outline: The hub refuses an attach to <case> with <condition>
    When a sender to "<address>" is attached
    Then the attach is refused with "<condition>"

    Examples:
      | case                          | address                                  | condition                |
      | a path no template matches    | /devices/{device1}/messages/nowhere      | amqp:not-allowed         |
      | another device's path         | /devices/{device2}/messages/events       | amqp:unauthorized-access |

  @HUB-LINK-004 @MUST
  Scenario: An unknown path is refused with an attach carrying a null target, then a closing detach
    When a sender to "/devices/{device1}/messages/nowhere" is attached
    Then the refusal is an attach with a null target followed by a closing detach

  @HUB-ERR-004 @SHOULD
  Scenario: An unknown path is refused with Edge Hub's description
    When a sender to "/devices/{device1}/messages/nowhere" is attached
    Then the attach is refused with "amqp:not-allowed" and a description starting "Matching template not found for uri"
