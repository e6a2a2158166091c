package dev.hubsim.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a hub definition from JSON or YAML (YAML is a superset of JSON, so one parser reads both). */
public final class HubConfigLoader {
    /** IoT Hub names: letters, digits and hyphens. */
    private static final Pattern HUB_NAME = Pattern.compile("[A-Za-z0-9-]{1,50}");
    /** Device ID characters IoT Hub accepts (reference/iothub-amqp.md §2.3). */
    private static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9\\-:.+%_#*?!(),=@;$']{1,128}");

    /** Built on first use: the default hub needs no parser, and a cold start should not pay for one. */
    private static final class Parser {
        static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    }

    private HubConfigLoader() {
    }

    public static HubConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Reads a hub definition from text; {@code source} names it in messages. Bad input is only ever a ConfigException. */
    public static HubConfig parse(String text, String source) {
        HubConfig config;
        try {
            config = Parser.MAPPER.readValue(text, HubConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException("config file " + source + " has an unknown field '" + e.getPropertyName() + "' at "
                    + fieldPath(e) + " (expected one of " + new java.util.TreeSet<>(e.getKnownPropertyIds().stream().map(String::valueOf).toList()) + ")", e);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            // SnakeYAML's messages span lines; the CLI promises one line on stderr.
            throw new ConfigException("config file " + source + " is not a valid hub definition" + where + ": "
                    + oneLine(e.getOriginalMessage()), e);
        }
        if (config == null) {
            throw new ConfigException("config file " + source + " is empty");
        }
        return validate(config.withDefaults(), source);
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static String fieldPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            path.append(ref.getFieldName() != null ? "/" + ref.getFieldName() : "/" + ref.getIndex());
        }
        return path.length() == 0 ? "/" : path.toString();
    }

    /** Checks what Jackson cannot: names, IDs, duplicate entries and key encoding. */
    public static HubConfig validate(HubConfig config, String source) {
        String prefix = "config " + source + ": ";
        if (!HUB_NAME.matcher(config.name()).matches()) {
            throw new ConfigException(prefix + "hub name '" + config.name() + "' must be 1-50 letters, digits or hyphens");
        }
        for (String host : config.hostNames()) {
            if (host == null || host.isBlank() || host.contains("/") || host.contains(":") && !host.startsWith("[")) {
                throw new ConfigException(prefix + "host name '" + host + "' must be a bare host name or address, without scheme, port or path");
            }
        }
        Set<String> seen = new HashSet<>();
        for (HubConfig.DeviceSpec d : config.devices()) {
            if (d == null) {
                throw new ConfigException(prefix + "a device entry is empty");
            }
            if (d.deviceId() == null || !DEVICE_ID.matcher(d.deviceId()).matches()) {
                throw new ConfigException(prefix + "device id '" + d.deviceId() + "' is missing or has characters IoT Hub does not allow");
            }
            if (!seen.add(d.deviceId())) {
                throw new ConfigException(prefix + "device id '" + d.deviceId() + "' appears twice");
            }
            checkKey(prefix, "device '" + d.deviceId() + "' primaryKey", d.primaryKey());
            checkKey(prefix, "device '" + d.deviceId() + "' secondaryKey", d.secondaryKey());
            checkModules(prefix, d);
        }
        seen.clear();
        for (HubConfig.PolicySpec p : config.policies()) {
            if (p == null) {
                throw new ConfigException(prefix + "a policy entry is empty");
            }
            if (p.name() == null || p.name().isBlank()) {
                throw new ConfigException(prefix + "a policy has no name");
            }
            if (!seen.add(p.name().toLowerCase(java.util.Locale.ROOT))) {
                throw new ConfigException(prefix + "policy '" + p.name() + "' appears twice");
            }
            if (p.permissions() == null || p.permissions().isEmpty()) {
                throw new ConfigException(prefix + "policy '" + p.name() + "' has no permissions");
            }
            checkKey(prefix, "policy '" + p.name() + "' primaryKey", p.primaryKey());
            checkKey(prefix, "policy '" + p.name() + "' secondaryKey", p.secondaryKey());
        }
        try {
            if (config.cloudToDevice() != null) {
                config.cloudToDevice().applyTo(dev.hubsim.c2d.C2dSettings.hubDefaults());
            }
            config.limitProfile();
            config.throttleSettings();
            config.maxTokenLifetime();
            if (config.maxFrameSize() != null && config.maxFrameSize() < 512) {
                throw new ConfigException("maxFrameSize " + config.maxFrameSize() + " must be at least 512 bytes (AMQP's minimum)");
            }
        } catch (IllegalArgumentException | ConfigException e) {
            throw new ConfigException(prefix + e.getMessage());
        }
        checkEventHub(prefix, config.eventHub());
        return config;
    }

    /** Event Hub names allow letters, digits, '.', '_' and '-'; so do consumer group names (plus '$Default'). */
    private static final Pattern ENTITY_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,49}");

    private static void checkEventHub(String prefix, HubConfig.EventHubSpec eh) {
        if (eh == null) {
            return;
        }
        if (eh.name() != null && !ENTITY_NAME.matcher(eh.name()).matches()) {
            throw new ConfigException(prefix + "eventHub name '" + eh.name() + "' must be 1-50 letters, digits, '.', '_' or '-'");
        }
        if (eh.name() != null && (eh.name().equalsIgnoreCase("messages") || eh.name().equalsIgnoreCase("devices"))) {
            throw new ConfigException(prefix + "eventHub name '" + eh.name() + "' would shadow the hub's own /" + eh.name() + " paths");
        }
        if (eh.hostName() != null && (eh.hostName().isBlank() || eh.hostName().contains("/") || eh.hostName().contains(":"))) {
            throw new ConfigException(prefix + "eventHub hostName '" + eh.hostName() + "' must be a bare host name, without scheme, port or path");
        }
        if (eh.partitionCount() != null && (eh.partitionCount() < 1 || eh.partitionCount() > 128)) {
            throw new ConfigException(prefix + "eventHub partitionCount " + eh.partitionCount() + " must be between 1 and 128");
        }
        if (eh.consumerGroups() != null) {
            Set<String> groups = new HashSet<>();
            for (String group : eh.consumerGroups()) {
                if (group == null || !group.equals("$Default") && !ENTITY_NAME.matcher(group).matches()) {
                    throw new ConfigException(prefix + "eventHub consumer group '" + group + "' must be 1-50 letters, digits, '.', '_' or '-'");
                }
                if (!groups.add(group.toLowerCase(java.util.Locale.ROOT))) {
                    throw new ConfigException(prefix + "eventHub consumer group '" + group + "' appears twice");
                }
            }
        }
        if (eh.retentionHours() != null && !(eh.retentionHours() > 0 && eh.retentionHours() <= 168)) {
            throw new ConfigException(prefix + "eventHub retentionHours " + eh.retentionHours() + " must be more than 0 and at most 168 (7 days)");
        }
        if (eh.retentionSeconds() != null && !(eh.retentionSeconds() > 0 && eh.retentionSeconds() <= 604_800)) {
            throw new ConfigException(prefix + "eventHub retentionSeconds " + eh.retentionSeconds()
                    + " must be more than 0 and at most 604800 (7 days)");
        }
        try {
            eh.retention();
        } catch (ConfigException e) {
            throw new ConfigException(prefix + e.getMessage());
        }
        if (eh.retainedEvents() != null && eh.retainedEvents() < 1) {
            throw new ConfigException(prefix + "eventHub retainedEvents " + eh.retainedEvents() + " must be at least 1");
        }
    }

    private static void checkKey(String prefix, String what, String key) {
        if (key == null) {
            return;
        }
        try {
            if (Base64.getDecoder().decode(key).length < 16) {
                throw new ConfigException(prefix + what + " decodes to fewer than 16 bytes");
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(prefix + what + " is not valid base64");
        }
    }

    private static void checkModules(String prefix, HubConfig.DeviceSpec d) {
        if (d.moduleList().size() > dev.hubsim.registry.ModuleRegistry.MAX_MODULES_PER_DEVICE) {
            throw new ConfigException(prefix + "device '" + d.deviceId() + "' has " + d.moduleList().size() + " modules; at most "
                    + dev.hubsim.registry.ModuleRegistry.MAX_MODULES_PER_DEVICE);
        }
        Set<String> modules = new HashSet<>();
        for (HubConfig.ModuleSpec m : d.moduleList()) {
            if (m == null || m.moduleId() == null || !dev.hubsim.registry.ModuleRegistry.VALID_ID.matcher(m.moduleId()).matches()) {
                throw new ConfigException(prefix + "module id '" + (m == null ? null : m.moduleId()) + "' of device '" + d.deviceId()
                        + "' is missing or has characters IoT Hub does not allow");
            }
            if (!modules.add(m.moduleId())) {
                throw new ConfigException(prefix + "module id '" + m.moduleId() + "' appears twice on device '" + d.deviceId() + "'");
            }
            checkKey(prefix, "module '" + d.deviceId() + "/" + m.moduleId() + "' primaryKey", m.primaryKey());
            checkKey(prefix, "module '" + d.deviceId() + "/" + m.moduleId() + "' secondaryKey", m.secondaryKey());
        }
    }
}
