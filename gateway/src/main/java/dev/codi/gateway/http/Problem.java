package dev.codi.gateway.http;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An RFC 9457 problem: what went wrong, in a form a client can act on. Thrown by request
 * handling and rendered as {@code application/problem+json} by {@link Problems}.
 *
 * @param type   a URI naming the kind of problem (relative to the API, e.g. /problems/invalid-request)
 * @param title  short, the same for every occurrence of the type
 * @param detail this occurrence: what to fix
 */
public final class Problem extends RuntimeException {
    private final int status;
    private final String type;
    private final String title;
    private final JsonObject extensions;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public Problem(int status, String type, String title, String detail) {
        this(status, type, title, detail, new JsonObject());
    }

    public Problem(int status, String type, String title, String detail, JsonObject extensions) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.extensions = extensions;
    }

    public static Problem invalidRequest(String detail) {
        return new Problem(422, "/problems/invalid-request", "The request is not a valid job", detail);
    }

    public static Problem malformedJson(String detail) {
        return new Problem(400, "/problems/malformed-json", "The body is not valid JSON", detail);
    }

    public static Problem undecodableMedia(String field, String detail) {
        return new Problem(422, "/problems/undecodable-media", "An input could not be decoded",
                field + ": " + detail, new JsonObject().put("field", field));
    }

    public static Problem notFound(String detail) {
        return new Problem(404, "/problems/not-found", "No such resource", detail);
    }

    /**
     * A limit the request broke: RFC 9457 extension members {@code limit} (its name) and
     * {@code allowed} (its value), so a client can adapt without parsing the detail.
     */
    public static Problem limitExceeded(int status, String limit, Object allowed, String detail) {
        return new Problem(status, "/problems/limit-exceeded", "A request limit was exceeded", detail,
                new JsonObject().put("limit", limit).put("allowed", allowed));
    }

    /** The same problem about one field of the request: the detail starts with it, and {@code field} names it. */
    public Problem inField(String field) {
        Problem problem = new Problem(status, type, title, field + ": " + getMessage(), extensions.copy().put("field", field));
        problem.headers.putAll(headers);
        return problem;
    }

    /** Adds a response header sent with the problem (WWW-Authenticate, Retry-After, ...). */
    public Problem header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public Map<String, String> headers() {
        return Map.copyOf(headers);
    }

    public String type() {
        return type;
    }

    public int status() {
        return status;
    }

    public JsonObject toJson(String instance) {
        JsonObject json = new JsonObject().put("type", type).put("title", title).put("status", status)
                .put("detail", getMessage());
        if (instance != null) {
            json.put("instance", instance);
        }
        return json.mergeIn(extensions);
    }
}
