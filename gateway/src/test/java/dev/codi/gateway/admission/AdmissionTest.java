package dev.codi.gateway.admission;

import dev.codi.gateway.http.Problem;
import dev.codi.gateway.http.Problems;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admission handlers on a small router of their own (no pipeline), driven over raw sockets on
 * 127.0.0.1 so a test can hold a request open or drip its body. The key is taken from a header
 * where the gateway's bearer authentication would put it.
 */
class AdmissionTest {
    private Vertx vertx;
    private HttpServer server;
    private final AtomicLong nanos = new AtomicLong();
    private final List<Socket> sockets = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final java.util.concurrent.Semaphore held = new java.util.concurrent.Semaphore(0);

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        for (Socket socket : sockets) {
            socket.close();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private void serve(AdmissionConfig config) throws Exception {
        Admission admission = new Admission(vertx, config, nanos::get);
        Router router = Router.router(vertx);
        router.route().handler(admission::deadline);
        router.route("/v1/*").handler(context -> {
            context.put("codi.owner", context.request().getHeader("X-Key"));
            context.next();
        }).handler(admission::rate);
        router.post("/v1/jobs").handler(admission::newJob).handler(this::holdUntilReleased);
        router.get("/v1/jobs/:id/events").handler(admission::eventStream).handler(this::holdUntilReleased);
        router.post("/v1/uploads").handler(context -> admission.upload(context, 1000)).handler(this::holdUntilReleased);
        router.get("/v1/ping").handler(context -> context.response().end("pong"));
        router.post("/v1/slow").handler(io.vertx.ext.web.handler.BodyHandler.create())
                .handler(context -> context.response().end("read"));
        router.route().failureHandler(Problems::handleFailure);
        server = vertx.createHttpServer(new HttpServerOptions().setIdleTimeout(config.idleTimeoutSeconds()))
                .connectionHandler(admission::connection)
                .requestHandler(router)
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private void holdUntilReleased(RoutingContext context) {
        held.release();
        vertx.executeBlocking(() -> release.await(20, TimeUnit.SECONDS), false)
                .onComplete(done -> context.response().end("released"));
    }

    private static AdmissionConfig config(double rate, int burst, int activeJobs, int streams, long uploadBytes,
            int connections, int requestTimeout) {
        return new AdmissionConfig(2, 4, 7, rate, burst, activeJobs, streams, uploadBytes, connections, 30,
                requestTimeout, 100);
    }

    @Test
    @Timeout(20)
    void aKeyOverItsRateGets429WithRetryAfterAndOtherKeysAreUnaffected() throws Exception {
        serve(config(0.5, 3, 10, 10, 10_000, 100, 30));

        for (int i = 0; i < 3; i++) {
            assertThat(status(exchange("GET /v1/ping", "alice", null))).isEqualTo(200);
        }
        String refused = exchange("GET /v1/ping", "alice", null);
        String other = exchange("GET /v1/ping", "bob", null);
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(2)); // one token back at 0.5 per second
        String later = exchange("GET /v1/ping", "alice", null);

        assertThat(status(refused)).isEqualTo(429);
        assertThat(refused).contains("Retry-After: 2").contains("application/problem+json").contains("\"limit\" : \"request_rate\"");
        assertThat(status(other)).isEqualTo(200);
        assertThat(status(later)).isEqualTo(200);
    }

    @Test
    @Timeout(20)
    void jobsInCreationEventStreamsAndUploadBytesAreBoundedPerKey() throws Exception {
        serve(config(1000, 1000, 1, 1, 1500, 100, 30));

        Socket job = open("POST /v1/jobs", "alice", "{}");
        Socket stream = open("GET /v1/jobs/job_1/events", "alice", null);
        Socket upload = open("POST /v1/uploads", "alice", "x".repeat(1000));
        awaitHeld(3);

        String secondJob = exchange("POST /v1/jobs", "alice", "{}");
        String secondStream = exchange("GET /v1/jobs/job_1/events", "alice", null);
        String secondUpload = exchange("POST /v1/uploads", "alice", "x".repeat(600));

        assertThat(status(secondJob)).isEqualTo(429);
        assertThat(secondJob).contains("\"limit\" : \"active_jobs\"").contains("Retry-After: 7");
        assertThat(status(secondStream)).isEqualTo(429);
        assertThat(secondStream).contains("\"limit\" : \"event_streams\"");
        assertThat(status(secondUpload)).isEqualTo(429);
        assertThat(secondUpload).contains("\"limit\" : \"upload_bytes_in_flight\"");
        // Another key has its own allowance, and once answered the slots are free again
        release.countDown();
        assertThat(status(read(job))).isEqualTo(200);
        assertThat(status(read(stream))).isEqualTo(200);
        assertThat(status(read(upload))).isEqualTo(200);
        assertThat(status(exchange("POST /v1/jobs", "bob", "{}"))).isEqualTo(200);
        assertThat(status(exchange("POST /v1/jobs", "alice", "{}"))).isEqualTo(200);
    }

    @Test
    @Timeout(20)
    void aBodyDrippingPastTheTotalDeadlineGets408AndItsConnectionClosed() throws Exception {
        serve(config(1000, 1000, 10, 10, 10_000, 100, 1));
        Socket socket = new Socket("127.0.0.1", server.actualPort());
        sockets.add(socket);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Key: alice\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 100\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        long started = System.nanoTime();
        socket.setSoTimeout(200);
        StringBuilder answer = new StringBuilder();
        // One byte every 200 ms: never idle, never done
        for (int i = 0; i < 40 && answer.indexOf("\r\n\r\n") < 0; i++) {
            try {
                out.write('a');
                out.flush();
            } catch (IOException closed) {
                break;
            }
            try {
                int b;
                while ((b = socket.getInputStream().read()) >= 0) {
                    answer.append((char) b);
                }
                break;
            } catch (java.net.SocketTimeoutException nothingYet) {
                // keep dripping
            }
        }
        long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(answer.toString()).startsWith("HTTP/1.1 408");
        assertThat(elapsedMillis).isLessThan(5_000);
    }

    @Test
    @Timeout(20)
    void connectionsPastTheCapAreClosedAtOnce() throws Exception {
        serve(config(1000, 1000, 10, 10, 10_000, 2, 30));
        Socket first = open("GET /v1/jobs/a/events", "alice", null);
        Socket second = open("GET /v1/jobs/b/events", "bob", null);
        awaitHeld(2);

        Socket third = new Socket("127.0.0.1", server.actualPort());
        sockets.add(third);
        third.setSoTimeout(5_000);
        int read;
        try {
            third.getOutputStream().write("GET /v1/ping HTTP/1.1\r\nHost: x\r\nX-Key: carol\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            read = third.getInputStream().read();
        } catch (IOException reset) {
            read = -1;
        }

        assertThat(read).as("the third connection is closed unanswered").isEqualTo(-1);
        release.countDown();
        assertThat(status(read(first))).isEqualTo(200);
        assertThat(status(read(second))).isEqualTo(200);
    }

    @Test
    @Timeout(20)
    void theDecodePoolAnswers503WithRetryAfterWhenItsQueueIsFull() throws Exception {
        DecodePool pool = new DecodePool(vertx, 1, 1, 9);
        CountDownLatch busy = new CountDownLatch(1);
        try {
            var running = pool.submit(() -> busy.await(10, TimeUnit.SECONDS));
            var queued = pool.submit(() -> true);
            var refused = pool.submit(() -> true);

            Throwable failure = refused.toCompletionStage().toCompletableFuture().handle((ok, error) -> error).get();
            assertThat(failure).isInstanceOf(Problem.class);
            assertThat(((Problem) failure).status()).isEqualTo(503);
            assertThat(((Problem) failure).headers()).containsEntry("Retry-After", "9");
            busy.countDown();
            assertThat(running.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(queued.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            pool.close();
        }
    }

    // --- raw HTTP/1.1 on 127.0.0.1 ---

    private Socket open(String requestLine, String key, String body) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.actualPort());
        sockets.add(socket);
        socket.setSoTimeout(15_000);
        StringBuilder request = new StringBuilder(requestLine).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Key: ")
                .append(key).append("\r\nConnection: close\r\n");
        if (body != null) {
            request.append("Content-Type: application/json\r\nContent-Length: ").append(body.length()).append("\r\n\r\n").append(body);
        } else {
            request.append("\r\n");
        }
        socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    private String exchange(String requestLine, String key, String body) throws IOException {
        return read(open(requestLine, key, body));
    }

    private static String read(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    private static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    /** Waits until {@code count} requests are held in their handler. */
    private void awaitHeld(int count) throws InterruptedException {
        assertThat(held.tryAcquire(count, 10, TimeUnit.SECONDS)).as(count + " requests held").isTrue();
    }
}
