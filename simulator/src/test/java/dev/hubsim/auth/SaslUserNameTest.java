package dev.hubsim.auth;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class SaslUserNameTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "device1@sas.myhub                 | device1 | -  | false | myhub",
            "d%40x@sas.myhub                   | d@x     | -  | false | myhub",
            "device1/modules/m1@sas.myhub      | device1 | m1 | false | myhub",
            "iothubowner@sas.root.myhub        | iothubowner | - | true | myhub",
    })
    void theHubsFormsAreRead(String text, String identity, String module, boolean policy, String hub) {
        assertEquals(new SaslUserName(identity, module, policy, hub), SaslUserName.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"device1", "device1@myhub.azure-devices.net", "@sas.myhub", "d1/modules/m1@sas.root.myhub", "a@sas."})
    void otherFormsAreNotUserNames(String text) {
        assertNull(SaslUserName.parse(text));
    }
}
