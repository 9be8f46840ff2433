package dev.codi.gateway;

import dev.codi.gateway.http.Problem;
import dev.codi.gateway.http.Problems;
import dev.codi.gateway.jobs.JobRepresentation;
import dev.codi.gateway.jobs.JobRequestParser;
import dev.codi.gateway.jobs.JobSubmitter;
import dev.codi.gateway.view.JobEventsReader;
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
 * The HTTP face of the pipeline (DESIGN §3–4): accepts jobs, stores their inputs, publishes
 * them to Kafka, and answers from the job view folded from the job-events topic. Blocking work
 * (media decoding, object storage) runs on worker threads, never on the event loop.
 */
public final class GatewayVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

    private GatewayConfig gateway;
    private ObjectStore store;
    private KafkaProducer<String, io.vertx.core.buffer.Buffer> producer;
    private JobEventsReader reader;
    private HttpServer server;
    private final JobView view = new JobView();
    private JobSubmitter submitter;
    private JobRepresentation representation;
    private ModelCatalog models;

    @Override
    public Future<?> start() {
        gateway = GatewayConfig.from(config());
        PipelineConfig pipeline = PipelineConfig.from(config());
        Map<String, String> environment = new HashMap<>();
        config().forEach(entry -> environment.put(entry.getKey(), String.valueOf(entry.getValue())));
        store = new ObjectStore(ObjectStoreConfig.fromEnvironment(environment));
        producer = KafkaProducer.create(vertx, pipeline.kafka().producer("gateway"));
        representation = new JobRepresentation(store, gateway.artifactUrlTtl(), Clock.systemUTC());
        submitter = new JobSubmitter(store, producer, pipeline.topics(), Clock.systemUTC(), new SecureRandom());
        JobRequestParser parser = new JobRequestParser(MediaLimits.defaults(), new SecureRandom());
        JobsApi jobsApi = new JobsApi(vertx, parser, submitter, view, representation);
        reader = new JobEventsReader(vertx, pipeline.kafka(), pipeline.topics().jobEvents(), view);
        return vertx.executeBlocking(() -> {
                    store.ensureBucket();
                    models = ModelCatalog.read(gateway.modelDirectory());
                    return null;
                })
                .compose(ready -> reader.start())
                .compose(caughtUp -> vertx.createHttpServer()
                        .requestHandler(router(jobsApi))
                        .listen(gateway.port(), gateway.host()))
                .onSuccess(listening -> {
                    server = listening;
                    LOG.info("gateway listening on http://{}:{}", gateway.host(), listening.actualPort());
                });
    }

    /** The port the server listens on (useful when configured with port 0). */
    public int actualPort() {
        return server.actualPort();
    }

    private Router router(JobsApi jobs) {
        Router router = Router.router(vertx);
        router.route().handler(BodyHandler.create(false).setBodyLimit(gateway.bodyLimitBytes()));
        router.route().handler(context -> {
            context.put("codi.bodyLimit", gateway.bodyLimitBytes());
            context.next();
        });
        router.post("/v1/jobs").handler(jobs::create);
        router.get("/v1/jobs/:id").handler(jobs::get);
        router.get("/v1/models").handler(this::listModels);
        router.get("/health").handler(this::health);
        router.route().failureHandler(Problems::handleFailure);
        return router;
    }

    private void listModels(RoutingContext context) {
        context.response().putHeader("Content-Type", "application/json").end(models.toJson().encodePrettily());
    }

    private void health(RoutingContext context) {
        context.response().putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("status", "ok").put("jobs", view.size()).encode());
    }

    @Override
    public Future<?> stop() {
        Future<Void> closedServer = server == null ? Future.succeededFuture() : server.close();
        return Future.join(closedServer, reader.stop(), producer.close())
                .eventually(() -> vertx.executeBlocking(() -> {
                    store.close();
                    return null;
                }));
    }

    /** Reads a JSON object body or throws the problem that says why it is not one. */
    static JsonObject jsonBody(RoutingContext context) {
        String contentType = context.request().getHeader("Content-Type");
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            throw new Problem(415, "/problems/unsupported-media-type", "Unsupported media type",
                    "send the job as Content-Type: application/json, got " + contentType);
        }
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
