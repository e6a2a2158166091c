package dev.hubsim.https;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.Extension;
import dev.hubsim.console.ConsoleAssets;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * The hub's HTTPS face: an embedded WireMock server (plain HTTP on loopback, behind {@link HttpsFront}) with the
 * hub's own extensions, and static stubs from {@code mappings/} and {@code __files/} under a directory the user gives.
 */
final class HttpFace implements AutoCloseable {
    private final WireMockServer wiremock;

    public HttpFace(Path stubs, List<Extension> extensions) {
        WireMockConfiguration options = WireMockConfiguration.options().bindAddress("127.0.0.1").port(0)
                .disableRequestJournal().extensions(extensions.toArray(Extension[]::new));
        options = stubs != null ? options.usingFilesUnderDirectory(stubs.toString()) : options.usingFilesUnderClasspath("hubsim-wiremock");
        this.wiremock = new WireMockServer(options);
    }

    /** Starts WireMock and binds the hub's own APIs below the user's stubs (priority 10; unset priorities are 5). */
    public void start() {
        wiremock.start();
        wiremock.stubFor(WireMock.any(WireMock.urlPathMatching("/devices(/[^/]*)?")).atPriority(10)
                .willReturn(WireMock.aResponse().withTransformers(RegistryApi.NAME)));
        wiremock.stubFor(WireMock.any(WireMock.urlPathMatching("/devices/[^/]+/modules(/[^/]+)?/?")).atPriority(10)
                .willReturn(WireMock.aResponse().withTransformers(ModulesApi.NAME)));
        wiremock.stubFor(WireMock.any(WireMock.urlPathMatching(MethodsApi.PATH_PATTERN)).atPriority(9)
                .willReturn(WireMock.aResponse().withTransformers(MethodsApi.NAME)));
        // Above the registry's /devices/{id}: a device named "query" is still read with GET.
        wiremock.stubFor(WireMock.post(WireMock.urlPathEqualTo(QueryApi.PATH)).atPriority(9)
                .willReturn(WireMock.aResponse().withTransformers(QueryApi.NAME)));
        wiremock.stubFor(WireMock.get(WireMock.urlPathEqualTo("/statistics/devices")).atPriority(10)
                .willReturn(WireMock.aResponse().withTransformers(RegistryApi.NAME)));
        wiremock.stubFor(WireMock.any(WireMock.urlPathMatching(TwinApi.PATH_PATTERN)).atPriority(10)
                .willReturn(WireMock.aResponse().withTransformers(TwinApi.NAME)));
        wiremock.stubFor(WireMock.any(WireMock.urlPathMatching("/hubsim/(?!ui(/|$)).*")).atPriority(1)
                .willReturn(WireMock.aResponse().withTransformers(ControlApi.NAME)));
        wiremock.stubFor(WireMock.any(WireMock.urlPathMatching(ConsoleAssets.PREFIX + "(/.*)?")).atPriority(1)
                .willReturn(WireMock.aResponse().withTransformers(ConsoleAssets.NAME)));
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", wiremock.port());
    }

    public WireMockServer wiremock() {
        return wiremock;
    }

    @Override
    public void close() {
        wiremock.stop();
    }
}
