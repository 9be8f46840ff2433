package dev.codi.storage;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import org.junit.jupiter.api.Test;

class NoDelaySocketFactoryTest {

    @Test
    void theStoresHttpClientOpensSocketsWithNagleOff() throws Exception {
        ObjectStoreConfig config = new ObjectStoreConfig(URI.create("http://127.0.0.1:9"), "key", "secret", "bucket", "us-east-1");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket unconnected = ObjectStore.httpClient(config).socketFactory().createSocket();
             Socket connected = ObjectStore.httpClient(config).socketFactory()
                     .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
            assertTrue(unconnected.getTcpNoDelay(), "a socket the HTTP client connects itself");
            assertTrue(connected.getTcpNoDelay(), "a socket created connected");
        }
    }
}
