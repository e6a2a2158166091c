package dev.hubsim.registry;

import java.util.List;

/**
 * The hub the simulator plays: its name, the host names it answers to, and its identities.
 *
 * @param name      hub name ({@code {name}.azure-devices.net})
 * @param hostNames host names accepted in token {@code sr} fields and CBS audiences; the first is printed
 * @param registry  devices and shared access policies
 */
public record Hub(String name, List<String> hostNames, DeviceRegistry registry) {
    public Hub {
        hostNames = List.copyOf(hostNames);
    }

    public String primaryHostName() {
        return hostNames.get(0);
    }

    public boolean answersTo(String host) {
        return hostNames.stream().anyMatch(h -> h.equalsIgnoreCase(host));
    }

    /**
     * True for names a client may use for this hub in a SASL PLAIN user name: the configured name, or the first
     * label of a host name the hub answers to (what the Azure SDKs derive from {@code HostName}).
     */
    public boolean knownAsName(String candidate) {
        if (candidate.equalsIgnoreCase(name)) {
            return true;
        }
        return hostNames.stream().map(h -> h.split("\\.", 2)[0]).anyMatch(label -> label.equalsIgnoreCase(candidate));
    }
}
