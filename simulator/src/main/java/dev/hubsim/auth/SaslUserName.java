package dev.hubsim.auth;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A SASL PLAIN user name in one of the hub's forms (reference/iothub-amqp.md §2.1, §2.3):
 * {@code {deviceId}@sas.{hub}}, {@code {deviceId}/modules/{moduleId}@sas.{hub}}, {@code {policy}@sas.root.{hub}}.
 *
 * @param identity a device ID or a policy name, URL-decoded
 * @param moduleId the module ID, or null
 * @param policy   true for {@code @sas.root.} names
 * @param hubName  the hub name after {@code sas.}
 */
public record SaslUserName(String identity, String moduleId, boolean policy, String hubName) {
    private static final Pattern FORM = Pattern.compile(
            "^(?<id>[^@/]+)(/modules/(?<module>[^@/]+))?@sas\\.(?<root>root\\.)?(?<hub>[A-Za-z0-9_-]+)$");

    public static final String EXPECTED =
            "expected '{deviceId}@sas.{hubName}', '{deviceId}/modules/{moduleId}@sas.{hubName}' or '{policyName}@sas.root.{hubName}'";

    /** The user name parsed, or null when it has none of the forms. */
    public static SaslUserName parse(String userName) {
        if (userName == null) {
            return null;
        }
        Matcher m = FORM.matcher(userName);
        if (!m.matches()) {
            return null;
        }
        boolean root = m.group("root") != null;
        if (root && m.group("module") != null) {
            return null;
        }
        String module = m.group("module");
        return new SaslUserName(PercentEncoding.decode(m.group("id")), module == null ? null : PercentEncoding.decode(module),
                root, m.group("hub"));
    }
}
