package dev.codi.gateway;

import dev.codi.gateway.http.RequestTracing;
import dev.codi.protocol.Stage;
import dev.codi.protocol.stage.DecoderLiveness;
import dev.codi.protocol.tracing.Tracing;
import io.opentelemetry.api.OpenTelemetry;
import dev.codi.gateway.admission.Admission;
import dev.codi.gateway.admission.AdmissionConfig;
import dev.codi.gateway.admission.DecodePool;
import dev.codi.gateway.auth.ApiKeys;
import dev.codi.gateway.auth.BearerAuth;
import dev.codi.gateway.http.Problem;
import dev.codi.gateway.metrics.GatewayMetrics;
import dev.codi.gateway.idempotency.IdempotencyKeys;
import dev.codi.gateway.uploads.Uploads;
import dev.codi.gateway.uploads.UploadsApi;
import dev.codi.gateway.view.JobSubscriptions;
import dev.codi.gateway.webhooks.WebhookConfig;
import dev.codi.gateway.webhooks.Webhooks;
import dev.codi.protocol.events.JobEvent;
import dev.codi.gateway.http.Problems;
import dev.codi.gateway.jobs.JobRepresentation;
import dev.codi.gateway.jobs.JobRequestParser;
import dev.codi.gateway.jobs.AtomicPublisher;
import dev.codi.gateway.jobs.JobSubmitter;
import dev.codi.gateway.jobs.HangingTransactionWatch;
import dev.codi.protocol.kafka.HangingTransactions;
import dev.codi.gateway.jobs.StallWatch;
import dev.codi.gateway.jobs.JobRetention;
import dev.codi.gateway.view.JobArchive;
import dev.codi.gateway.view.JobStateReader;
import dev.codi.gateway.view.JobStateWriter;
import dev.codi.gateway.view.JobView;
import dev.codi.media.MediaLimits;
import dev.codi.protocol.PipelineConfig;
import dev.codi.storage.ObjectStore;
import dev.codi.storage.ObjectStoreConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.kafka.client.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The HTTP face of the pipeline (docs/design.md §2, §4): accepts jobs, stores their inputs, publishes
 * them to Kafka, and answers from the job view folded from the job-events topic. Blocking work
 * (media decoding, object storage) runs on worker threads, never on the event loop.
 */
public final class GatewayVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
    /** How often expired Idempotency-Keys are forgotten. */
    private static final long IDEMPOTENCY_PURGE_MILLIS = 60_000;
    /** The API's OpenAPI 3.1 description, served at /openapi.yaml. */
    private static final String OPENAPI_RESOURCE = "/openapi.yaml";

    private GatewayConfig gateway;
    private ObjectStore store;
    private KafkaProducer<String, io.vertx.core.buffer.Buffer> producer;
    private JobStateReader reader;
    private JobStateWriter writer;
    private JobRetention retention;
    private HttpServer server;
    private JobView view;
    private JobSubscriptions subscriptions;
    private long idempotencyPurgeTimer = -1;
    private JobSubmitter submitter;
    private AtomicPublisher atomic;
    private StallWatch stallWatch;
    private HangingTransactionWatch hangingTransactionWatch;
    private GatewayHealth health;
    private Webhooks webhooks;
    private JobRepresentation representation;
    private ModelCatalog models;
    private Router router;
    private String openapi;
    private DecodePool decodePool;
    private Admission admission;

    @Override
    public Future<?> start() {
        gateway = GatewayConfig.from(config());
        view = new JobView(gateway.jobCacheSize());
        subscriptions = new JobSubscriptions(view);
        PipelineConfig pipeline = PipelineConfig.from(config());
        Map<String, String> environment = new HashMap<>();
        config().forEach(entry -> environment.put(entry.getKey(), String.valueOf(entry.getValue())));
        OpenTelemetry openTelemetry = Tracing.openTelemetry(config(), Stage.GATEWAY.serviceName());
        store = new ObjectStore(ObjectStoreConfig.fromEnvironment(environment), openTelemetry);
        producer = KafkaProducer.create(vertx, pipeline.kafka().interactiveProducer("gateway"));
        representation = new JobRepresentation(store, gateway.artifactUrlTtl(), Clock.systemUTC(),
                () -> models == null ? dev.codi.gateway.jobs.PromptWords.UNKNOWN_VOCABULARY : models.words());
        atomic = new AtomicPublisher(vertx, pipeline.kafka(), "gateway-submit");
        submitter = new JobSubmitter(store, producer, atomic, pipeline.topics(), view, Clock.systemUTC(), new SecureRandom());
        webhooks = new Webhooks(vertx, pipeline.kafka(), pipeline.topics(), WebhookConfig.from(config()), representation,
                producer, Clock.systemUTC());
        webhooks.attach(view);
        AdmissionConfig limits = AdmissionConfig.from(config());
        admission = new Admission(vertx, limits, System::nanoTime);
        admission.attach(view);
        decodePool = new DecodePool(vertx, limits.decodeThreads(), limits.decodeQueue(), limits.retryAfterSeconds());
        Uploads uploads = new Uploads(store, MediaLimits.defaults(), Clock.systemUTC(), new SecureRandom(), gateway.jobRetention(),
                gateway.stallTimeout());
        UploadsApi uploadsApi = new UploadsApi(vertx, uploads, gateway.uploadLimitBytes(), decodePool);
        JobRequestParser parser = new JobRequestParser(MediaLimits.defaults(), new SecureRandom(), webhooks.guard(), uploads);
        WebhooksApi webhooksApi = new WebhooksApi(webhooks, view, producer, pipeline.topics(), Clock.systemUTC());
        BearerAuth auth = new BearerAuth(ApiKeys.fromConfig(config()));
        IdempotencyKeys idempotency = new IdempotencyKeys(gateway.idempotencyTtl(), Clock.systemUTC());
        view.onChangeEvent(change -> {
            if (change.event() instanceof JobEvent.Queued queued) {
                idempotency.remember(queued);
            }
        });
        idempotencyPurgeTimer = vertx.setPeriodic(IDEMPOTENCY_PURGE_MILLIS, tick -> idempotency.purgeExpired());
        health = new GatewayHealth(vertx, pipeline.kafka(), store, DecoderLiveness.from(environment));
        stallWatch = new StallWatch(vertx, view, submitter, gateway.stallTimeout(), Clock.systemUTC());
        java.time.Duration hangingAfter = HangingTransactions.after(environment);
        if (!hangingAfter.isZero()) {
            hangingTransactionWatch = new HangingTransactionWatch(vertx,
                    new HangingTransactions(pipeline.kafka(), hangingAfter, Clock.systemUTC()), pipeline.topics().all(), hangingAfter);
            // Before the view is read: a hanging transaction on the job-events topic would hold its catching up back.
            hangingTransactionWatch.start();
        }
        JobsApi jobsApi = new JobsApi(vertx, parser, submitter, view, subscriptions, representation, idempotency, webhooks,
                decodePool, new RequestTracing(openTelemetry));
        // What an old job can still do at start: trigger a webhook (up to a day old) or replay an Idempotency-Key.
        java.time.Duration recent = gateway.idempotencyTtl().compareTo(dev.codi.gateway.webhooks.WebhookTrigger.MAX_EVENT_AGE) > 0
                ? gateway.idempotencyTtl() : dev.codi.gateway.webhooks.WebhookTrigger.MAX_EVENT_AGE;
        reader = new JobStateReader(vertx, pipeline.kafka(), pipeline.topics().jobState(), view, Clock.systemUTC(),
                recent.plus(gateway.stallTimeout()));
        writer = new JobStateWriter(pipeline.kafka(), pipeline.topics(), store);
        retention = new JobRetention(vertx, view, new JobArchive(store), uploads, writer, producer, pipeline.topics(), gateway.jobRetention(),
                gateway.retentionSweep(), Clock.systemUTC());
        return vertx.executeBlocking(() -> {
                    GatewayMetrics.start(); // the process's registry and JVM meters start here, off the event loop
                    store.ensureBucket();
                    models = ModelCatalog.read(gateway.modelDirectory());
                    try (java.io.InputStream in = GatewayVerticle.class.getResourceAsStream(OPENAPI_RESOURCE)) {
                        openapi = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                    }
                    return null;
                })
                .compose(ready -> webhooks.startBeforeView())
                .compose(ready -> reader.start())
                .compose(caughtUp -> webhooks.startAfterView())
                .onSuccess(live -> {
                    // The writer restores its partitions' running jobs after the view is read, not beside it:
                    // on a small machine the two reads would share the CPU and the gateway would answer later.
                    writer.start();
                    stallWatch.start();
                    retention.start();
                    health.start();
                })
                .compose(caughtUp -> vertx.createHttpServer(serverOptions(admission.config()))
                        .connectionHandler(admission::connection)
                        .requestHandler(router(auth, jobsApi, webhooksApi, uploadsApi))
                        .listen(gateway.port(), gateway.host()))
                .onSuccess(listening -> {
                    server = listening;
                    LOG.info("gateway listening on http://{}:{}", gateway.host(), listening.actualPort());
                });
    }

    /**
     * HTTP/1.1, and HTTP/2 only over TLS: no cleartext "Upgrade: h2c". The JDK's HttpClient asks
     * for that upgrade on every first plain-http request, and one such exchange with the gateway
     * hung a test run (the client never saw the response); the API gains nothing from h2c. A
     * connection with no traffic either way is closed after the idle timeout.
     */
    private static io.vertx.core.http.HttpServerOptions serverOptions(AdmissionConfig limits) {
        return new io.vertx.core.http.HttpServerOptions().setHttp2ClearTextEnabled(false)
                .setIdleTimeout(limits.idleTimeoutSeconds());
    }

    /** The port the server listens on (useful when configured with port 0). */
    public int actualPort() {
        return server.actualPort();
    }

    private Router router(BearerAuth auth, JobsApi jobs, WebhooksApi webhooksApi, UploadsApi uploadsApi) {
        router = Router.router(vertx);
        router.route().handler(GatewayMetrics::timeRequest);
        router.route().handler(context -> {
            context.put(Problems.BODY_LIMIT_KEY, gateway.bodyLimitBytes());
            context.next();
        });
        router.route().handler(admission::deadline);
        router.route("/v1/*").handler(auth::handle).handler(admission::rate);
        // Uploads stream to disk under their own limit, never through the body handler.
        router.post("/v1/uploads").handler(context -> admission.upload(context, gateway.uploadLimitBytes()))
                .handler(uploadsApi::create);
        // Only a job is sent as a body, and only an authenticated, admitted one is read.
        router.post("/v1/jobs").handler(admission::newJob);
        router.post("/v1/jobs").handler(BodyHandler.create(false).setBodyLimit(gateway.bodyLimitBytes()))
                .handler(jobs::create);
        // A job that left memory is read back (or found expired: 410) before any route of one job answers.
        router.route("/v1/jobs/:id").handler(retention::locate);
        router.route("/v1/jobs/:id/*").handler(retention::locate);
        router.get("/v1/jobs/:id").handler(jobs::get);
        router.post("/v1/jobs/:id/cancel").handler(jobs::cancel);
        router.get("/v1/jobs/:id/events").handler(admission::eventStream).handler(jobs::events);
        router.get("/v1/jobs").handler(new JobListApi(vertx, view, representation, webhooks, retention)::list);
        router.get("/v1/jobs/:id/artifacts/:name").handler(jobs::artifact);
        router.post("/v1/jobs/:id/webhook-deliveries/:webhookId/replay").handler(webhooksApi::replay);
        router.get("/v1/webhooks/secret").handler(webhooksApi::secret);
        router.post("/v1/webhooks/secret/rotate").handler(webhooksApi::rotate);
        router.get("/v1/uploads/:id").handler(uploadsApi::get);
        router.get("/v1/models").handler(this::listModels);
        router.get("/health").handler(this::health);
        router.get("/health/live").handler(health::live);
        router.get("/health/ready").handler(health::ready);
        router.get("/metrics").handler(GatewayMetrics::scrape);
        router.get("/openapi.yaml").handler(this::openapi);
        Playground.serve(router);
        router.route().failureHandler(Problems::handleFailure);
        // No route, no such method, or a path the router cannot take ("/../"): problems too, not Vert.x's HTML page.
        for (int status : new int[] {400, 404, 405}) {
            router.errorHandler(status, Problems::handleFailure);
        }
        return router;
    }

    private void listModels(RoutingContext context) {
        context.response().putHeader("Content-Type", "application/json").end(models.toJson().encodePrettily());
    }

    private void openapi(RoutingContext context) {
        context.response().putHeader("Content-Type", "application/yaml").end(openapi);
    }

    /** Every route as "METHOD /path" with OpenAPI-style parameters ({id}); what the OpenAPI test compares. */
    public java.util.List<String> routes() {
        java.util.List<String> routes = new java.util.ArrayList<>();
        for (io.vertx.ext.web.Route route : router.getRoutes()) {
            if (route.getPath() != null && route.methods() != null && !route.methods().isEmpty() && !route.getPath().endsWith("*")) {
                String path = route.getPath().replaceAll(":(\\w+)", "{$1}");
                route.methods().forEach(method -> routes.add(method.name() + " " + path));
            }
        }
        return routes;
    }

    private void health(RoutingContext context) {
        context.response().putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("status", "ok").put("jobs", view.size())
                        .put("jobs_in_memory", view.heldInMemory()).encode());
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(idempotencyPurgeTimer);
        if (stallWatch != null) {
            stallWatch.stop();
            retention.stop();
            health.stop();
        }
        Future<Void> closedServer = server == null ? Future.succeededFuture() : server.close();
        Future<Void> closedWebhooks = webhooks == null ? Future.succeededFuture() : webhooks.stop();
        if (decodePool != null) {
            decodePool.close();
        }
        Future<Void> closedHangingWatch = hangingTransactionWatch == null ? Future.succeededFuture() : hangingTransactionWatch.stop();
        return Future.join(closedServer, reader.stop(), closedWebhooks, closedHangingWatch)
                .eventually(() -> producer.close())
                .eventually(() -> atomic.close())
                .eventually(() -> vertx.executeBlocking(() -> {
                    writer.stop();
                    return null;
                }))
                .eventually(() -> vertx.executeBlocking(() -> {
                    store.close();
                    return null;
                }));
    }

    /** Throws 415 unless the request says its body is JSON. */
    static void requireJson(RoutingContext context) {
        String contentType = context.request().getHeader("Content-Type");
        if (contentType == null || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new Problem(415, "/problems/unsupported-media-type", "Unsupported media type",
                    "send the job as Content-Type: application/json, got " + contentType);
        }
    }

    /** Reads a JSON object body or throws the problem that says why it is not one; CPU work, off the event loop. */
    static JsonObject jsonBody(RoutingContext context) {
        requireJson(context);
        if (context.body().isEmpty()) {
            throw Problem.malformedJson("the body is empty; send a JSON object");
        }
        try {
            Object value = io.vertx.core.json.Json.decodeValue(context.body().buffer());
            if (!(value instanceof JsonObject object)) {
                throw Problem.malformedJson("the body must be a JSON object");
            }
            return object;
        } catch (DecodeException e) {
            throw Problem.malformedJson("the body is not valid JSON: " + e.getMessage().replaceFirst("^Failed to decode:", ""));
        }
    }
}
