package dev.codi.gateway.webhooks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Validation only: nothing here opens a connection, and host names resolve through a fake, never DNS. */
class SsrfGuardTest {
    private static final Map<String, String> FAKE_DNS = Map.of(
            "hooks.example.com", "93.184.216.34",
            "internal.example.com", "10.1.2.3",
            "rebind.example.com", "127.0.0.1");
    private static final SsrfGuard.Resolver RESOLVER = host -> {
        String address = FAKE_DNS.get(host);
        if (address != null) {
            return new InetAddress[] {InetAddress.getByName(address)};
        }
        if (host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return new InetAddress[] {InetAddress.getByName(host)}; // a literal: parsed, not looked up
        }
        throw new UnknownHostException(host);
    };

    private final SsrfGuard strict = new SsrfGuard(false, false, RESOLVER);

    @ParameterizedTest
    @ValueSource(strings = {"http://[64:ff9b::7f00:1]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[64:ff9b:1::1]/",
            "http://[2002:7f00:1::]/", "http://[2002:a00:1::1]/", "http://0.1.2.3/", "http://198.18.0.1/",
            "http://198.19.255.254/", "http://240.0.0.1/", "http://255.255.255.255/", "http://[::127.0.0.1]/",
            "http://[::10.0.0.1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:169.254.169.254]/"})
    void refusesReservedRangesAndIpv4HiddenInIpv6(String url) {
        assertThatThrownBy(() -> strict.check(url)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("webhook.url");
    }

    @Test
    void theCheckedAddressIsTheOneToConnectTo() throws Exception {
        SsrfGuard.Target target = strict.resolve("https://hooks.example.com:8443/hook?x=1");

        assertThat(target.address()).isEqualTo(InetAddress.getByName("93.184.216.34"));
        assertThat(target.uri().getHost()).isEqualTo("hooks.example.com");
        assertThat(strict.resolve("http://[64:ff9b::5db8:d822]/").address().getHostAddress()).startsWith("64:ff9b:");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/hook", "http://[::1]/hook", "http://rebind.example.com/hook",
            "http://10.0.0.1/", "http://internal.example.com/", "http://169.254.169.254/latest/meta-data/",
            "http://[fd00:ec2::254]/", "http://metadata.google.internal/", "http://0.0.0.0/", "http://224.0.0.1/",
            "http://100.100.100.200/", "http://[::ffff:10.0.0.1]/"})
    void refusesLoopbackPrivateLinkLocalAndMetadataTargets(String url) {
        assertThatThrownBy(() -> strict.check(url)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("webhook.url");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://hooks.example.com/", "file:///etc/passwd", "http://user:secret@hooks.example.com/", "not a url",
            "http://unknown.example.com/"})
    void refusesOtherSchemesCredentialsAndUnresolvableHosts(String url) {
        assertThatThrownBy(() -> strict.check(url)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void acceptsPublicTargetsAndWhatTheOperatorAllows() {
        assertThat(strict.check("https://hooks.example.com/codi").getHost()).isEqualTo("hooks.example.com");
        SsrfGuard local = new SsrfGuard(true, false, RESOLVER);
        assertThat(local.check("http://127.0.0.1:9/hook")).isNotNull();
        assertThatThrownBy(() -> local.check("http://10.0.0.1/")).hasMessageContaining("private");
        SsrfGuard onPremises = new SsrfGuard(false, true, RESOLVER);
        assertThat(onPremises.check("http://internal.example.com/")).isNotNull();
        // the metadata services stay refused whatever is allowed
        SsrfGuard everything = new SsrfGuard(true, true, RESOLVER);
        assertThatThrownBy(() -> everything.check("http://169.254.169.254/")).hasMessageContaining("link-local");
        assertThatThrownBy(() -> everything.check("http://[fd00:ec2::254]/")).hasMessageContaining("link-local");
    }
}
