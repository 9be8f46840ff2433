package dev.codi.gateway.http;

import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes every error answer of the API as RFC 9457 {@code application/problem+json}. */
public final class Problems {
    public static final String CONTENT_TYPE = "application/problem+json";
    /** Routing-context key under which the gateway records its body limit, for the 413 problem. */
    public static final String BODY_LIMIT_KEY = "codi.bodyLimit";
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

    private Problems() {
    }

    public static void send(RoutingContext context, Problem problem) {
        if (context.response().headWritten()) {
            context.response().reset();
            return;
        }
        problem.headers().forEach(context.response()::putHeader);
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
            case 413 -> {
                Object limit = context.get(BODY_LIMIT_KEY);
                yield Problem.limitExceeded(413, "body_bytes", limit,
                        "the body exceeds the limit of " + limit + " bytes; upload large media separately (POST /v1/uploads)");
            }
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
