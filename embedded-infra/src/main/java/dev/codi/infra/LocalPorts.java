package dev.codi.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Loopback ports for servers that must be told their port before they bind (Kafka's listeners). */
public final class LocalPorts {

    /** Every in-process server binds here: nothing we start is reachable from outside the machine. */
    static final String LOOPBACK_HOST = "127.0.0.1";

    /** Ports this JVM handed out: a probed port is free again once its probe closes, so the OS may offer it twice. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private LocalPorts() {}

    /**
     * Asks the OS for an ephemeral loopback port that no earlier call in this JVM returned, and
     * releases it. Another process could take it before the caller binds; on a development machine
     * that race is rare enough, and a lost race fails loudly at bind time rather than silently.
     * Within one JVM it cannot happen: two listeners asked for in a row (a broker's and its
     * controller's) never get the same port.
     */
    public static int pickFree() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK_HOST))) {
                socket.setReuseAddress(true);
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not find a free loopback port", e);
            }
        }
    }
}
