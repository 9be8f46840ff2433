package dev.codi.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Loopback ports for servers that must be told their port before they bind (Kafka's listeners). */
final class LocalPorts {

    /** Every in-process server binds here: nothing we start is reachable from outside the machine. */
    static final String LOOPBACK_HOST = "127.0.0.1";

    private LocalPorts() {}

    /**
     * Asks the OS for an ephemeral port and releases it. Another process could take it before the
     * caller binds; on a development machine that race is rare enough, and a lost race fails loudly
     * at bind time rather than silently.
     */
    static int pickFree() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK_HOST))) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("could not find a free loopback port", e);
        }
    }
}
