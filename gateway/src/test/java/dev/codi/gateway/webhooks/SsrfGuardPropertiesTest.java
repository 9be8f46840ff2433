package dev.codi.gateway.webhooks;

import dev.codi.gateway.Gen;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SSRF guard against generated addresses: any address inside a refused range, written as
 * IPv4 or hidden in IPv6 (mapped, compatible, NAT64, 6to4), is refused; public IPv4 addresses,
 * plain or behind NAT64/6to4, pass and are the address to connect to; any URL string yields a
 * URL or an IllegalArgumentException saying why.
 */
class SsrfGuardPropertiesTest {
    /** The refused IPv4 ranges (first address, prefix length), from RFC 6890's special-purpose table. */
    private static final int[][] REFUSED_V4 = {
            {0x00000000, 8}, {0x0A000000, 8}, {0x64400000, 10}, {0x7F000000, 8}, {0xA9FE0000, 16}, {0xAC100000, 12},
            {0xC0A80000, 16}, {0xC6120000, 15}, {0xE0000000, 4}, {0xF0000000, 4}};

    record Written(InetAddress address) {
        @Override
        public String toString() {
            return address.getHostAddress();
        }
    }

    @Test
    void refusedIpv4IsRefusedHoweverItIsWritten() {
        Gen.forAll("refused addresses", gen -> {
            int[] range = gen.oneOf(REFUSED_V4);
            return new Written(wrap(range[0] | gen.random().nextInt() >>> range[1], gen.between(0, 4)));
        }, written -> assertThatThrownBy(() -> guardResolvingTo(written.address()).check("https://target.example/hook"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("webhook.url"));
    }

    @Test
    void publicIpv4PassesHoweverItIsWrittenAndIsTheAddressToConnectTo() {
        Gen.forAll("public addresses", gen -> {
            int address;
            do {
                address = gen.random().nextInt();
            } while (refused(address));
            return new Written(wrap(address, gen.oneOf(0, 3, 4)));
        }, written -> assertThat(guardResolvingTo(written.address()).resolve("https://target.example/hook").address())
                .isEqualTo(written.address()));
    }

    @Test
    void anyUrlIsAcceptedOrRefusedWithAReason() {
        SsrfGuard guard = new SsrfGuard(false, false, host -> {
            throw new UnknownHostException(host);
        });
        Gen.forAll("URL strings", gen -> gen.oneOf("http://", "https://", "ftp://", "", "HTTP://", "//", "http:")
                + gen.anyOf(() -> gen.string(30), () -> gen.oneOf("[", "[]", "[::1", "::1]", "[::1]", "a b", "%00", "@",
                        "#", "?", "host:99999", "h:-1", "1.2.3.4", "[64:ff9b::1.2.3.4]"))
                + gen.string(30), url -> {
                    try {
                        URI uri = guard.check(url);
                        assertThat(uri.getScheme()).isEqualToIgnoringCase(uri.getScheme().startsWith("https") ? "https" : "http");
                    } catch (IllegalArgumentException refused) {
                        assertThat(refused.getMessage()).contains("webhook.url");
                    }
                });
    }

    private static boolean refused(int address) {
        for (int[] range : REFUSED_V4) {
            if ((address ^ range[0]) >>> (32 - range[1]) == 0) {
                return true;
            }
        }
        return false;
    }

    private static SsrfGuard guardResolvingTo(InetAddress address) {
        return new SsrfGuard(false, false, host -> new InetAddress[] {address});
    }

    /** 0 plain IPv4, 1 IPv4-mapped, 2 IPv4-compatible, 3 NAT64 64:ff9b::/96, 4 6to4 2002::/16. */
    private static InetAddress wrap(int v4, int wrapping) {
        byte[] four = {(byte) (v4 >>> 24), (byte) (v4 >>> 16), (byte) (v4 >>> 8), (byte) v4};
        byte[] sixteen = new byte[16];
        try {
            switch (wrapping) {
                case 0 -> {
                    return InetAddress.getByAddress(four);
                }
                case 1 -> {
                    sixteen[10] = (byte) 0xff;
                    sixteen[11] = (byte) 0xff;
                    System.arraycopy(four, 0, sixteen, 12, 4);
                }
                case 2 -> System.arraycopy(four, 0, sixteen, 12, 4);
                case 3 -> {
                    sixteen[1] = 0x64;
                    sixteen[2] = (byte) 0xff;
                    sixteen[3] = (byte) 0x9b;
                    System.arraycopy(four, 0, sixteen, 12, 4);
                }
                default -> {
                    sixteen[0] = 0x20;
                    sixteen[1] = 0x02;
                    System.arraycopy(four, 0, sixteen, 2, 4);
                }
            }
            // Inet6Address keeps all 16 bytes (InetAddress.getByAddress would turn ::ffff:a.b.c.d into IPv4).
            return Inet6Address.getByAddress(null, sixteen, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
