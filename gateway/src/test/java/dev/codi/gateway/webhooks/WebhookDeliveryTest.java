package dev.codi.gateway.webhooks;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Deliveries against servers on 127.0.0.1 only: rebinding, a dripping receiver, a huge answer. */
class WebhookDeliveryTest {
    private static final String SECRET = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aNameThatRebindsToLoopbackAfterTheCheckNeverReachesLoopback() throws Exception {
        // Given a canary on loopback, and a resolver that answers a public (TEST-NET-1, unrouted) address
        // first and 127.0.0.1 after — the system's own resolver also says localhost is 127.0.0.1
        AtomicInteger canaryConnections = new AtomicInteger();
        HttpServer canary = vertx.createHttpServer()
                .connectionHandler(connection -> canaryConnections.incrementAndGet())
                .requestHandler(request -> request.response().end())
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
        AtomicInteger lookups = new AtomicInteger();
        SsrfGuard guard = new SsrfGuard(false, false, host -> new InetAddress[] {
                InetAddress.getByName(lookups.getAndIncrement() == 0 ? "192.0.2.1" : "127.0.0.1")});
        WebhookDelivery delivery = new WebhookDelivery(vertx, guard, Duration.ofMillis(800));

        // When a delivery is attempted
        WebhookDelivery.Outcome outcome = attempt(delivery, "http://localhost:" + canary.actualPort() + "/hook");

        // Then it went to the checked address (and failed there), and loopback saw nothing
        assertThat(outcome.result()).isEqualTo(WebhookDelivery.Result.RETRY);
        assertThat(canaryConnections.get()).isZero();
        assertThat(lookups.get()).isEqualTo(1);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aReceiverDrippingBytesIsCutOffAtTheTotalDeadlineAndItsTextIsNotReported() throws Exception {
        // A raw socket that answers one byte of headers every 200 ms: never idle, never done
        NetServer dripping = vertx.createNetServer().connectHandler(socket -> {
            String answer = "HTTP/1.1 500 secret-internal-detail\r\nX-Pad: " + "a".repeat(200) + "\r\n\r\n";
            AtomicInteger sent = new AtomicInteger();
            vertx.setPeriodic(200, timer -> {
                int at = sent.getAndIncrement();
                if (at >= answer.length()) {
                    vertx.cancelTimer(timer);
                    return;
                }
                socket.write(Buffer.buffer(answer.substring(at, at + 1))).onFailure(e -> vertx.cancelTimer(timer));
            });
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
        WebhookDelivery delivery = new WebhookDelivery(vertx, loopbackAllowed(), Duration.ofSeconds(1));

        long started = System.nanoTime();
        WebhookDelivery.Outcome outcome = attempt(delivery, "http://127.0.0.1:" + dripping.actualPort() + "/hook");
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(outcome.result()).isEqualTo(WebhookDelivery.Result.RETRY);
        assertThat(elapsedMillis).isLessThan(4_000);
        assertThat(outcome.detail()).doesNotContain("secret-internal-detail");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aHugeAnswerIsNotReadAndItsTextIsNotReported() throws Exception {
        AtomicInteger written = new AtomicInteger();
        HttpServer huge = vertx.createHttpServer().requestHandler(request -> {
            request.response().setChunked(true).setStatusCode(500).setStatusMessage("secret-internal-detail");
            Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
            vertx.setPeriodic(1, timer -> {
                if (written.addAndGet(chunk.length()) > 256 * 1024 * 1024 || request.response().closed()) {
                    vertx.cancelTimer(timer);
                    request.response().reset();
                    return;
                }
                request.response().write(chunk);
            });
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
        WebhookDelivery delivery = new WebhookDelivery(vertx, loopbackAllowed(), Duration.ofSeconds(5));

        WebhookDelivery.Outcome outcome = attempt(delivery, "http://127.0.0.1:" + huge.actualPort() + "/hook");

        assertThat(outcome.result()).isEqualTo(WebhookDelivery.Result.RETRY);
        assertThat(outcome.detail()).isEqualTo("HTTP 500").doesNotContain("secret");
        assertThat(written.get()).as("bytes the receiver managed to send").isLessThan(64 * 1024 * 1024);
    }

    private static SsrfGuard loopbackAllowed() {
        return new SsrfGuard(true, false, host -> new InetAddress[] {InetAddress.getByName(host)});
    }

    private static WebhookDelivery.Outcome attempt(WebhookDelivery delivery, String url) throws Exception {
        WebhookMessage message = new WebhookMessage("msg_1", "key_1", "job_1", url, WebhookMessage.TYPE_ATTEMPT,
                "{\"type\":\"job.succeeded\"}", 0, Instant.now(), null);
        return delivery.attempt(message, List.of(SECRET), Instant.now()).toCompletionStage().toCompletableFuture()
                .get(20, TimeUnit.SECONDS);
    }
}
