package dev.hubsim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hubsim.twin.TwinException;
import dev.hubsim.twin.TwinKey;
import dev.hubsim.twin.TwinState;
import dev.hubsim.twin.Twins;

/**
 * Device and module twins of a running simulator, as a test arranges and checks them: read a twin, change desired
 * properties or tags as the back end would (subscribed devices get the change at once), count subscribed devices.
 * JSON goes in as text; bad JSON or a broken limit throws {@link TwinException}.
 */
public final class TwinsView {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Twins twins;

    TwinsView(Twins twins) {
        this.twins = twins;
    }

    /** The device's twin now. */
    public TwinState get(String deviceId) {
        return twins.get(TwinKey.device(deviceId));
    }

    /** A module's twin now. */
    public TwinState get(String deviceId, String moduleId) {
        return twins.get(TwinKey.module(deviceId, moduleId));
    }

    /** Merges {@code json} (e.g. {@code {"target":30}}; null removes) into the device's desired properties. */
    public TwinState patchDesired(String deviceId, String json) {
        return twins.patch(TwinKey.device(deviceId), null, parse(json), null);
    }

    /** Merges {@code json} into a module's desired properties; its module client gets the change if subscribed. */
    public TwinState patchDesired(String deviceId, String moduleId, String json) {
        return twins.patch(TwinKey.module(deviceId, moduleId), null, parse(json), null);
    }

    /** Merges {@code json} into the device's tags. */
    public TwinState patchTags(String deviceId, String json) {
        return twins.patch(TwinKey.device(deviceId), parse(json), null, null);
    }

    /** Merges {@code json} into a module's tags. */
    public TwinState patchTags(String deviceId, String moduleId, String json) {
        return twins.patch(TwinKey.module(deviceId, moduleId), parse(json), null, null);
    }

    /** How many twin channels are subscribed to the device's desired changes now. */
    public int subscribers(String deviceId) {
        return twins.subscriberCount(TwinKey.device(deviceId));
    }

    private static com.fasterxml.jackson.databind.JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new TwinException(TwinException.Reason.INVALID, "not valid JSON: " + e.getOriginalMessage());
        }
    }
}
