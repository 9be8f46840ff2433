package dev.codi.gateway.webhooks;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;

/**
 * One delivery attempt over HTTP, per Standard Webhooks v1: a POST of the JSON body with
 * {@code webhook-id}, {@code webhook-timestamp} (Unix seconds) and {@code webhook-signature}.
 * Only a 2xx answer is success; redirects are not followed (a 3xx is a failure); 410 Gone means
 * the receiver wants no more; anything else, a timeout or a refused connection is retried.
 *
 * <p>Hostile receivers and names (OWASP SSRF prevention cheat sheet): the URL passes the SSRF
 * guard right before the call and the connection goes to the very address the guard checked
 * (the URL's host stays the Host header and the TLS server name), so a DNS-rebinding name cannot
 * swap in loopback between check and connect. Each attempt has a total deadline, not only an
 * idle one, so a receiver dripping a byte at a time cannot hold it; only the status line is
 * used and the connection is closed without reading the body. The outcome's detail names the
 * class of failure, never the receiver's own words, so the API cannot be used to probe a network.
 */
public final class WebhookDelivery {
    public static final String TIMEOUT_VARIABLE = "CODI_WEBHOOK_TIMEOUT_MS";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    private static final String USER_AGENT = "codi-webhooks/1";

    public enum Result { DELIVERED, GONE, RETRY, REFUSED }

    public record Outcome(Result result, String detail) {
    }

    private final Vertx vertx;
    private final HttpClient client;
    private final SsrfGuard guard;
    private final Duration timeout;

    public WebhookDelivery(Vertx vertx, SsrfGuard guard, Duration timeout) {
        this.vertx = vertx;
        this.guard = guard;
        this.timeout = timeout;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) timeout.toMillis())
                .setIdleTimeout((int) Math.max(1, timeout.toSeconds()))
                .setKeepAlive(false));
    }

    public Future<Outcome> attempt(WebhookMessage message, List<String> secrets, Instant now) {
        long timestamp = now.getEpochSecond();
        String signature = WebhookSigner.signatureHeader(secrets, message.webhookId(), timestamp, message.body());
        return vertx.executeBlocking(() -> guard.resolve(message.url()), false)
                .compose(target -> post(target, message, timestamp, signature),
                        error -> Future.succeededFuture(new Outcome(Result.REFUSED, error.getMessage())))
                .recover(error -> Future.succeededFuture(new Outcome(Result.RETRY, failureClass(error))));
    }

    private Future<Outcome> post(SsrfGuard.Target target, WebhookMessage message, long timestamp, String signature) {
        URI uri = target.uri();
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(target.address(), port)))
                .setHost(host)
                .setPort(port)
                .setSsl(tls)
                .setURI(path)
                .setFollowRedirects(false)
                .putHeader("user-agent", USER_AGENT)
                .putHeader("content-type", "application/json")
                .putHeader("webhook-id", message.webhookId())
                .putHeader("webhook-timestamp", Long.toString(timestamp))
                .putHeader("webhook-signature", signature);
        Promise<Outcome> outcome = Promise.promise();
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        long deadline = vertx.setTimer(timeout.toMillis(), fired -> {
            if (outcome.tryComplete(new Outcome(Result.RETRY, "no answer within " + timeout.toMillis() + " ms"))) {
                HttpClientRequest request = sent.get();
                if (request != null) {
                    request.reset();
                }
            }
        });
        client.request(options)
                .compose(request -> {
                    sent.set(request);
                    return request.send(Buffer.buffer(message.body()));
                })
                .onComplete(answered -> {
                    vertx.cancelTimer(deadline);
                    if (answered.failed()) {
                        outcome.tryFail(answered.cause());
                        return;
                    }
                    // The status decides; the body is never read: the connection is closed under it.
                    int status = answered.result().statusCode();
                    answered.result().request().connection().close();
                    outcome.tryComplete(classify(status));
                });
        return outcome.future();
    }

    private static Outcome classify(int status) {
        if (status >= 200 && status < 300) {
            return new Outcome(Result.DELIVERED, "HTTP " + status);
        }
        if (status == 410) {
            return new Outcome(Result.GONE, "HTTP 410 Gone");
        }
        return new Outcome(Result.RETRY, "HTTP " + status + (status >= 300 && status < 400 ? " (redirects are not followed)" : ""));
    }

    /** What kind of failure, in our words: the remote's error text never reaches the API. */
    private static String failureClass(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException) {
                return "TLS handshake failed";
            }
            if (cause instanceof ConnectException) {
                return "could not connect";
            }
            String name = cause.getClass().getSimpleName().toLowerCase(Locale.ROOT);
            if (name.contains("timeout")) {
                return "no answer in time";
            }
        }
        return "the connection failed";
    }

    public void close() {
        client.close();
    }
}
