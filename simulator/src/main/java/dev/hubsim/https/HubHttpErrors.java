package dev.hubsim.https;

import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;

import java.time.Instant;
import java.util.UUID;

/** Error answers as the hub's REST API gives them: a status and a JSON body with {@code Message} and {@code ExceptionMessage}. */
final class HubHttpErrors {
    private HubHttpErrors() {
    }

    static ResponseDefinition error(int status, String errorCode, String message) {
        String body = "{\"Message\":" + Json.quote("ErrorCode:" + errorCode + ";" + message) + ",\"ExceptionMessage\":"
                + Json.quote("Tracking ID:" + UUID.randomUUID().toString().replace("-", "") + "-G:0-TimeStamp:" + Instant.now()) + "}";
        return ResponseDefinitionBuilder.responseDefinition().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8")
                .withHeader("iothub-errorcode", errorCode).withBody(body).build();
    }

    /**
     * A direct-method error as the hub sends it, the observed body {@code {"errorCode":404103,"trackingId":..,"message":..,
     * "info":{},"timestampUtc":..}} (reference/iothub-twin-methods-mqtt.md §5.3) with the {@code iothub-errorcode} header.
     * No {@code Message} / {@code ExceptionMessage}: the Java service SDK reads {@code errorCode} only from a body
     * without them (its {@code ErrorMessageParser} appends {@code ExceptionMessage} to the text it then parses).
     */
    static ResponseDefinition errorWithCode(int status, String errorCode, int code, String message) {
        String body = "{\"errorCode\":" + code + ",\"trackingId\":" + Json.quote(UUID.randomUUID().toString().replace("-", ""))
                + ",\"message\":" + Json.quote(message) + ",\"info\":{},\"timestampUtc\":" + Json.quote(Instant.now().toString()) + "}";
        return ResponseDefinitionBuilder.responseDefinition().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8")
                .withHeader("iothub-errorcode", errorCode).withBody(body).build();
    }

    /** An error whose numeric code matters (429002, 403002): IoT Hub's nested form, {@code errorCode} inside {@code Message}. */
    static ResponseDefinition coded(int status, int errorCode, String errorName, String message) {
        String inner = "{\"errorCode\":" + errorCode + ",\"trackingId\":\"" + UUID.randomUUID().toString().replace("-", "")
                + "\",\"message\":" + Json.quote(message) + ",\"timestampUtc\":\"" + Instant.now() + "\"}";
        String body = "{\"Message\":" + Json.quote(inner) + ",\"ExceptionMessage\":" + Json.quote("ErrorCode:" + errorName + ";" + message) + "}";
        return ResponseDefinitionBuilder.responseDefinition().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8")
                .withHeader("iothub-errorcode", errorName).withBody(body).build();
    }

    static ResponseDefinition json(int status, String body) {
        return ResponseDefinitionBuilder.responseDefinition().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody(body).build();
    }
}
