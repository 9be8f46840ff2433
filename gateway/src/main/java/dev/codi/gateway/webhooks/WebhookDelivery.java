package dev.codi.gateway.webhooks;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One delivery attempt over HTTP, per Standard Webhooks v1: a POST of the JSON body with
 * {@code webhook-id}, {@code webhook-timestamp} (Unix seconds) and {@code webhook-signature}.
 * Only a 2xx answer is success; redirects are not followed (a 3xx is a failure); 410 Gone means
 * the receiver wants no more; anything else, a timeout or a refused connection is retried.
 * The URL passes the SSRF guard again right before the call, in case its name now resolves elsewhere.
 */
public final class WebhookDelivery {
    public static final String TIMEOUT_VARIABLE = "CODI_WEBHOOK_TIMEOUT_MS";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    private static final String USER_AGENT = "codi-webhooks/1";

    public enum Result { DELIVERED, GONE, RETRY, REFUSED }

    public record Outcome(Result result, String detail) {
    }

    private final Vertx vertx;
    private final WebClient client;
    private final SsrfGuard guard;
    private final Duration timeout;

    public WebhookDelivery(Vertx vertx, SsrfGuard guard, Duration timeout) {
        this.vertx = vertx;
        this.guard = guard;
        this.timeout = timeout;
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setFollowRedirects(false)
                .setConnectTimeout((int) timeout.toMillis())
                .setUserAgent(USER_AGENT)
                .setKeepAlive(false));
    }

    public Future<Outcome> attempt(WebhookMessage message, List<String> secrets, Instant now) {
        long timestamp = now.getEpochSecond();
        String signature = WebhookSigner.signatureHeader(secrets, message.webhookId(), timestamp, message.body());
        return vertx.executeBlocking(() -> guard.check(message.url()), false)
                .compose(uri -> client.postAbs(uri.toString())
                        .timeout(timeout.toMillis())
                        .putHeader("content-type", "application/json")
                        .putHeader("webhook-id", message.webhookId())
                        .putHeader("webhook-timestamp", Long.toString(timestamp))
                        .putHeader("webhook-signature", signature)
                        .sendBuffer(io.vertx.core.buffer.Buffer.buffer(message.body()))
                        .map(response -> {
                            int status = response.statusCode();
                            if (status >= 200 && status < 300) {
                                return new Outcome(Result.DELIVERED, "HTTP " + status);
                            }
                            if (status == 410) {
                                return new Outcome(Result.GONE, "HTTP 410 Gone");
                            }
                            return new Outcome(Result.RETRY, "HTTP " + status + (status >= 300 && status < 400 ? " (redirects are not followed)" : ""));
                        }), error -> Future.succeededFuture(new Outcome(Result.REFUSED, error.getMessage())))
                .recover(error -> Future.succeededFuture(new Outcome(Result.RETRY, error.toString())));
    }

    public void close() {
        client.close();
    }
}
