package dev.codi.gateway.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses webhook URLs that would make the gateway call into places a client must not reach
 * (server-side request forgery, OWASP SSRF prevention cheat sheet): loopback, private (RFC 1918,
 * RFC 6598 shared, IPv6 unique-local), link-local (which holds the cloud metadata services at
 * 169.254.169.254 and fd00:ec2::254), unspecified and multicast addresses, and well-known metadata
 * host names. Every address a name resolves to must pass. The operator may allow loopback
 * and/or private targets (a local run, an on-premises receiver).
 *
 * <p>Checked when a job is submitted and again before each delivery (a name may resolve
 * differently later). Resolving a host name is blocking: call off the event loop.
 */
public final class SsrfGuard {
    public static final String ALLOW_LOOPBACK_VARIABLE = "CODI_WEBHOOK_ALLOW_LOOPBACK";
    public static final String ALLOW_PRIVATE_VARIABLE = "CODI_WEBHOOK_ALLOW_PRIVATE";
    /** Longest webhook URL accepted. */
    public static final int MAX_URL_LENGTH = 2048;
    private static final Set<String> METADATA_HOSTS = Set.of("metadata.google.internal", "metadata", "instance-data",
            "metadata.azure.com");

    /** Resolves a host name; a seam so tests never touch DNS. */
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowLoopback;
    private final boolean allowPrivate;
    private final Resolver resolver;

    public SsrfGuard(boolean allowLoopback, boolean allowPrivate, Resolver resolver) {
        this.allowLoopback = allowLoopback;
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    public SsrfGuard(boolean allowLoopback, boolean allowPrivate) {
        this(allowLoopback, allowPrivate, InetAddress::getAllByName);
    }

    public boolean allowsLoopback() {
        return allowLoopback;
    }

    /**
     * A URL that may be called and the address it was checked at: connect to that address (with
     * the URL's host as Host header and TLS server name), never to a fresh lookup of the name,
     * which a rebinding DNS server may answer with loopback the second time.
     */
    public record Target(URI uri, InetAddress address) {
    }

    /** Returns the URL when it may be called, else throws {@link IllegalArgumentException} saying why. */
    public URI check(String url) {
        return resolve(url).uri();
    }

    /** Checks the URL and every address its host resolves to; the target is the first of them. */
    public Target resolve(String url) {
        if (url == null || url.isBlank() || url.length() > MAX_URL_LENGTH) {
            throw new IllegalArgumentException("webhook.url must be an http(s) URL of at most " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("webhook.url is not a valid URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("webhook.url must use http or https, got '" + uri.getScheme() + "'");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("webhook.url must not carry user info (credentials in the URL)");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("webhook.url has no host");
        }
        String bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (METADATA_HOSTS.contains(bareHost.toLowerCase(Locale.ROOT))) {
            throw refused(url, "a cloud metadata service");
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(bareHost);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("webhook.url: host '" + bareHost + "' does not resolve");
        }
        if (addresses.length == 0) {
            throw new IllegalArgumentException("webhook.url: host '" + bareHost + "' does not resolve");
        }
        for (InetAddress address : addresses) {
            checkAddress(url, address);
        }
        return new Target(uri, addresses[0]);
    }

    private void checkAddress(String url, InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] bytes = v6.getAddress();
            if (isLocalUseNat64(bytes)) {
                throw refused(url, "a local-use NAT64 address (" + address.getHostAddress() + ")");
            }
            InetAddress embedded = embeddedIpv4(bytes);
            if (embedded != null) {
                checkAddress(url, embedded); // the IPv4 address the packet ends up at
                return;
            }
        }
        if (address instanceof Inet4Address && isReservedIpv4(address.getAddress())) {
            throw refused(url, "a reserved IPv4 address (" + address.getHostAddress() + ")");
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            throw refused(url, "an unspecified or multicast address (" + address.getHostAddress() + ")");
        }
        if (address.isLinkLocalAddress() || isMetadataAddress(address)) {
            throw refused(url, "a link-local address, where cloud metadata services live (" + address.getHostAddress() + ")");
        }
        if (address.isLoopbackAddress() && !allowLoopback) {
            throw refused(url, "a loopback address (" + address.getHostAddress() + ")");
        }
        if ((address.isSiteLocalAddress() || isSharedOrUniqueLocal(address)) && !allowPrivate) {
            throw refused(url, "a private address (" + address.getHostAddress() + ")");
        }
    }

    private static IllegalArgumentException refused(String url, String what) {
        return new IllegalArgumentException("webhook.url " + url + " points to " + what
                + "; webhooks may only call public addresses unless the operator allows otherwise");
    }

    /**
     * The IPv4 address an IPv6 address carries to: IPv4-mapped ::ffff:0:0/96 and IPv4-compatible
     * ::/96 (RFC 4291 §2.5.5), NAT64 64:ff9b::/96 (RFC 6052), 6to4 2002::/16 (RFC 3056); else null.
     */
    private static InetAddress embeddedIpv4(byte[] bytes) {
        int offset = -1;
        if (zeros(bytes, 0, 10) && (bytes[10] & bytes[11] & 0xff) == 0xff) {
            offset = 12;
        } else if (zeros(bytes, 0, 12) && !(zeros(bytes, 12, 15) && (bytes[15] & 0xfe) == 0)) {
            offset = 12; // not :: nor ::1, which the checks below name as such
        } else if (bytes[0] == 0x00 && bytes[1] == 0x64 && (bytes[2] & 0xff) == 0xff && (bytes[3] & 0xff) == 0x9b
                && zeros(bytes, 4, 12)) {
            offset = 12;
        } else if (bytes[0] == 0x20 && bytes[1] == 0x02) {
            offset = 2;
        }
        if (offset < 0) {
            return null;
        }
        try {
            return InetAddress.getByAddress(new byte[] {bytes[offset], bytes[offset + 1], bytes[offset + 2], bytes[offset + 3]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** 64:ff9b:1::/48, NAT64 for local use (RFC 8215): what it reaches is the operator's network. */
    private static boolean isLocalUseNat64(byte[] bytes) {
        return bytes[0] == 0x00 && bytes[1] == 0x64 && (bytes[2] & 0xff) == 0xff && (bytes[3] & 0xff) == 0x9b
                && bytes[4] == 0x00 && bytes[5] == 0x01;
    }

    /** 0.0.0.0/8 ("this network"), 198.18.0.0/15 (benchmarking, RFC 2544), 240.0.0.0/4 (reserved, broadcast). */
    private static boolean isReservedIpv4(byte[] bytes) {
        int first = bytes[0] & 0xff;
        int second = bytes[1] & 0xff;
        return first == 0 || first == 198 && (second & 0xfe) == 18 || first >= 240;
    }

    private static boolean zeros(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** 100.64.0.0/10 (RFC 6598 carrier-grade NAT) and fc00::/7 (RFC 4193 unique local). */
    private static boolean isSharedOrUniqueLocal(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return (bytes[0] & 0xff) == 100 && (bytes[1] & 0xc0) == 64;
        }
        return (bytes[0] & 0xfe) == 0xfc;
    }

    /** AWS's IPv6 metadata endpoint fd00:ec2::254 is unique-local, refused even when private targets are allowed. */
    private static boolean isMetadataAddress(InetAddress address) {
        return address.getHostAddress().equals("169.254.169.254") || address.getHostAddress().startsWith("fd00:ec2:0:0:0:0:0:254");
    }
}
