package dev.hubsim.https;

import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;

/** A WireMock transformer that stubs name (never applied globally): what every HTTPS API here shares. */
abstract class NamedTransformer implements ResponseDefinitionTransformerV2 {
    private final String name;

    NamedTransformer(String name) {
        this.name = name;
    }

    @Override
    public final String getName() {
        return name;
    }

    @Override
    public final boolean applyGlobally() {
        return false;
    }
}
