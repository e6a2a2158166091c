package dev.hubsim.conformance.steps;

import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

import static dev.hubsim.conformance.steps.Hooks.world;

/** Twin queries: the service's POST /devices/query, page by page. */
public class QuerySteps {
    @When("the service queries the twins of {actor} and {actor} with page size {int}")
    public void query(String first, String second, int pageSize) throws Exception {
        world().queries().queryTwinsOf(first, second, pageSize);
    }

    @When("the service asks for the next page with the continuation token")
    public void nextPage() throws Exception {
        world().queries().nextPage();
    }

    @Then("the page holds {int} twin(s) and a continuation token")
    public void pageWithToken(int twins) throws Exception {
        world().queries().expectPage(twins, true);
    }

    @Then("the page holds {int} twin(s) and no continuation token")
    public void lastPage(int twins) throws Exception {
        world().queries().expectPage(twins, false);
    }

    @Then("the pages held the twins of {actor} and {actor}, each once")
    public void allPages(String first, String second) {
        world().queries().expectAllPagesHeld(first, second);
    }
}
