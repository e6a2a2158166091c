package dev.hubsim.conformance;

import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.IncludeEngines;
import org.junit.platform.suite.api.SelectDirectories;
import org.junit.platform.suite.api.Suite;

import static io.cucumber.junit.platform.engine.Constants.GLUE_PROPERTY_NAME;
import static io.cucumber.junit.platform.engine.Constants.PLUGIN_PROPERTY_NAME;

/** Runs the hub specs under features/hub against the target (the embedded simulator unless settings name another). */
@Suite
@IncludeEngines("cucumber")
@SelectDirectories("../features/hub")
@ConfigurationParameter(key = GLUE_PROPERTY_NAME, value = "dev.hubsim.conformance.steps")
@ConfigurationParameter(key = PLUGIN_PROPERTY_NAME, value = "html:target/hub-specs/cucumber.html,json:target/hub-specs/cucumber.json,"
        + "junit:target/hub-specs/cucumber-junit.xml,dev.hubsim.conformance.report.StatementReport")
public class HubSpecsTest {
}
