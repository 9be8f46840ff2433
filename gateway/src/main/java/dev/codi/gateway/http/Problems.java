package dev.codi.gateway.http;

import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes every error answer of the API as RFC 9457 {@code application/problem+json}. */
public final class Problems {
    public static final String CONTENT_TYPE = "application/problem+json";
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    private Problems() {
    }

    public static void send(RoutingContext context, Problem problem) {
        if (context.response().headWritten()) {
            context.response().reset();
            return;
        }
        context.response().setStatusCode(problem.status()).putHeader("Content-Type", CONTENT_TYPE)
                .end(problem.toJson(context.request().path()).encodePrettily());
    }

    /** The router's failure handler: known problems as they are, the rest as a 500 that hides internals. */
    public static void handleFailure(RoutingContext context) {
        Throwable failure = context.failure();
        if (failure instanceof Problem problem) {
            send(context, problem);
            return;
        }
        int status = context.statusCode();
        Problem problem = switch (status) {
            case 413 -> new Problem(413, "/problems/body-too-large", "The request body is too large",
                    "the body exceeds the limit of " + context.get("codi.bodyLimit", "the configured") + " bytes; upload large media separately");
            case 404 -> Problem.notFound("no route for " + context.request().method() + " " + context.request().path());
            case 405 -> new Problem(405, "/problems/method-not-allowed", "Method not allowed",
                    context.request().method() + " is not allowed on " + context.request().path());
            case 400 -> Problem.malformedJson(failure == null ? "bad request" : failure.getMessage());
            default -> {
                LOG.error("unhandled failure on {} {}", context.request().method(), context.request().path(), failure);
                yield new Problem(500, "/problems/internal", "Internal error",
                        "the gateway failed to handle the request; it was logged");
            }
        };
        send(context, problem);
    }
}
