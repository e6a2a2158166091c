Feature: Twin queries
  A service queries the device twins over the hub's HTTPS service API: POST /devices/query with {"query": "..."}, the
  page size in x-ms-max-item-count, the previous page's x-ms-continuation sent back for the next page
  (reference/iothub-twin-methods-mqtt.md §5.5). The kit queries by the device IDs it holds and compares sets: IoT Hub
  promises no order, and its results may lag changes (the devices exist long before a run).

  @HUB-QRY-001 @HUB-QRY-002 @MUST
  Scenario: A query's twins come a page at a time, with a continuation token only while more remain
    When the service queries the twins of device1 and device2 with page size 1
    Then the page holds 1 twin and a continuation token
    When the service asks for the next page with the continuation token
    Then the page holds 1 twin and no continuation token
    And the pages held the twins of device1 and device2, each once

  @HUB-QRY-001 @HUB-QRY-002 @MUST
  Scenario: A page that holds the whole result has no continuation token
    When the service queries the twins of device1 and device2 with page size 2
    Then the page holds 2 twins and no continuation token
    And the pages held the twins of device1 and device2, each once
