package dev.codi.gateway.admission;

import dev.codi.gateway.auth.BearerAuth;
import dev.codi.gateway.http.Problem;
import dev.codi.gateway.view.JobRecord;
import dev.codi.gateway.view.JobView;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What the gateway lets in, as route handlers that run after authentication: each key's request
 * rate (a token bucket), its jobs queued or running, its open event streams and its upload bytes
 * in flight are bounded and a request past a bound is answered 429 with {@code Retry-After}; a
 * pipeline whose backlog passed its bound makes new jobs 503 with {@code Retry-After}. Every
 * request has a total deadline, and connections past the cap are closed as they open.
 */
public final class Admission {
    private final Vertx vertx;
    private final AdmissionConfig config;
    private final LongSupplier nanoClock;
    private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    /** Jobs queued or running per key, folded from the job view; plus creations not yet in the view. */
    private final Map<String, Set<String>> activeJobs = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> creating = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> eventStreams = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> uploadBytes = new ConcurrentHashMap<>();
    private final AtomicInteger activeTotal = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();

    public Admission(Vertx vertx, AdmissionConfig config, LongSupplier nanoClock) {
        this.vertx = vertx;
        this.config = config;
        this.nanoClock = nanoClock;
    }

    public AdmissionConfig config() {
        return config;
    }

    /** Follows the job view, so a key's queued and running jobs are known without a scan. */
    public void attach(JobView view) {
        view.onChange(this::jobChanged);
    }

    void jobChanged(JobRecord job) {
        Set<String> jobs = activeJobs.computeIfAbsent(job.spec().owner(), owner -> ConcurrentHashMap.newKeySet());
        if (job.status().terminal()) {
            if (jobs.remove(job.id())) {
                activeTotal.decrementAndGet();
            }
        } else if (jobs.add(job.id())) {
            activeTotal.incrementAndGet();
        }
    }

    /** Counts a new connection, closing it at once past the cap (before it costs a request). */
    public void connection(HttpConnection connection) {
        if (connections.incrementAndGet() > config.maxConnections()) {
            connections.decrementAndGet();
            connection.close();
            return;
        }
        connection.closeHandler(closed -> connections.decrementAndGet());
    }

    /**
     * The total deadline of a request: past it an unanswered request gets 408 if its body was
     * still arriving (a client dripping bytes), else 503, and its connection is closed.
     * Event streams are long-lived by design and are exempt.
     */
    public void deadline(RoutingContext context) {
        if (context.request().path().endsWith("/events")) {
            context.next();
            return;
        }
        long timer = vertx.setTimer(TimeUnit.SECONDS.toMillis(config.requestTimeoutSeconds()), fired -> {
            if (context.response().ended() || context.response().closed()) {
                return;
            }
            boolean receiving = !context.request().isEnded();
            Problem problem = receiving
                    ? new Problem(408, "/problems/request-timeout", "The request took too long",
                            "the request was not received within " + config.requestTimeoutSeconds() + " s")
                    : overloaded("the request was not answered within " + config.requestTimeoutSeconds() + " s");
            context.response().putHeader("Connection", "close");
            if (!context.response().headWritten()) {
                problem.headers().forEach(context.response()::putHeader);
                context.response().setStatusCode(problem.status()).putHeader("Content-Type", "application/problem+json")
                        .end(problem.toJson(context.request().path()).encodePrettily())
                        .onComplete(done -> context.request().connection().close());
            } else {
                context.request().connection().close();
            }
        });
        context.addEndHandler(done -> vertx.cancelTimer(timer));
        context.next();
    }

    /** A key's request rate: one token per request. */
    public void rate(RoutingContext context) {
        String owner = BearerAuth.owner(context);
        long now = nanoClock.getAsLong();
        if (buckets.size() > 10_000) {
            buckets.values().removeIf(bucket -> bucket.full(now));
        }
        long waitNanos = buckets.computeIfAbsent(owner,
                key -> new TokenBucket(config.requestBurst(), config.requestsPerSecond(), now)).take(now);
        if (waitNanos > 0) {
            throw tooMany("request_rate", config.requestsPerSecond(),
                    "this key sends more than " + config.requestsPerSecond() + " requests per second (bursts of "
                            + config.requestBurst() + ")", seconds(waitNanos));
        }
        context.next();
    }

    /** Before a job is read: the key's active jobs and the pipeline's backlog. */
    public void newJob(RoutingContext context) {
        String owner = BearerAuth.owner(context);
        if (activeTotal.get() >= config.maxPipelineBacklog()) {
            throw overloaded("the pipeline holds " + activeTotal.get() + " jobs queued or running, its bound is "
                    + config.maxPipelineBacklog() + "; retry after " + config.retryAfterSeconds() + " s");
        }
        AtomicInteger pending = creating.computeIfAbsent(owner, key -> new AtomicInteger());
        int active = activeJobs.getOrDefault(owner, Set.of()).size() + pending.get();
        if (active >= config.activeJobsPerKey()) {
            throw tooMany("active_jobs", config.activeJobsPerKey(), "this key has " + active
                    + " jobs queued or running; wait for one to finish or cancel one", config.retryAfterSeconds());
        }
        pending.incrementAndGet();
        context.addEndHandler(done -> pending.decrementAndGet());
        context.next();
    }

    /** An SSE stream: counted while open. */
    public void eventStream(RoutingContext context) {
        String owner = BearerAuth.owner(context);
        AtomicInteger open = eventStreams.computeIfAbsent(owner, key -> new AtomicInteger());
        if (open.incrementAndGet() > config.eventStreamsPerKey()) {
            open.decrementAndGet();
            throw tooMany("event_streams", config.eventStreamsPerKey(), "this key has "
                    + config.eventStreamsPerKey() + " event streams open; close one first", config.retryAfterSeconds());
        }
        context.addEndHandler(done -> open.decrementAndGet());
        context.next();
    }

    /**
     * An upload reserves its declared length (or the whole upload limit when it declares none)
     * from its key's bytes in flight until it is answered.
     */
    public void upload(RoutingContext context, long uploadLimitBytes) {
        String owner = BearerAuth.owner(context);
        String declared = context.request().getHeader("Content-Length");
        long reserve = declared != null && declared.matches("\\d{1,18}")
                ? Math.min(Long.parseLong(declared), uploadLimitBytes) : uploadLimitBytes;
        AtomicLong inFlight = uploadBytes.computeIfAbsent(owner, key -> new AtomicLong());
        if (inFlight.addAndGet(reserve) > config.uploadBytesPerKey()) {
            inFlight.addAndGet(-reserve);
            throw tooMany("upload_bytes_in_flight", config.uploadBytesPerKey(), "this key's uploads in flight would pass "
                    + config.uploadBytesPerKey() + " bytes; wait for one to finish", config.retryAfterSeconds());
        }
        context.addEndHandler(done -> inFlight.addAndGet(-reserve));
        context.next();
    }

    /** Jobs queued or running in the pipeline, as the view shows them. */
    public int activeJobs() {
        return activeTotal.get();
    }

    private Problem overloaded(String detail) {
        return new Problem(503, "/problems/overloaded", "The service is overloaded", detail)
                .header("Retry-After", Integer.toString(config.retryAfterSeconds()));
    }

    private static Problem tooMany(String limit, Object allowed, String detail, long retryAfterSeconds) {
        return Problem.limitExceeded(429, limit, allowed, detail)
                .header("Retry-After", Long.toString(Math.max(1, retryAfterSeconds)));
    }

    private static long seconds(long nanos) {
        return (nanos + 999_999_999L) / 1_000_000_000L;
    }
}
