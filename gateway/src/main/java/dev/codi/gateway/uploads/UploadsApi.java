package dev.codi.gateway.uploads;

import dev.codi.gateway.admission.DecodePool;
import dev.codi.gateway.auth.BearerAuth;
import dev.codi.gateway.http.Problem;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /v1/uploads}: the request body is the file itself (any Content-Type; the bytes
 * decide), streamed to a temporary file and stopped as soon as it passes the size limit, then
 * validated and stored by {@link Uploads}. {@code GET /v1/uploads/{id}} describes one (410 once it
 * expired). An upload is a job input as {@code {"upload": "<id>"}}; only its key can use or see it.
 */
public final class UploadsApi {
    private final Vertx vertx;
    private final Uploads uploads;
    private final long limitBytes;
    /** Validates and stores spooled uploads with a bounded queue. */
    private final DecodePool decodePool;

    public UploadsApi(Vertx vertx, Uploads uploads, long limitBytes, DecodePool decodePool) {
        this.vertx = vertx;
        this.decodePool = decodePool;
        this.uploads = uploads;
        this.limitBytes = limitBytes;
    }

    public void create(RoutingContext context) {
        String owner = BearerAuth.owner(context);
        HttpServerRequest request = context.request();
        String declared = request.getHeader("Content-Length");
        if (declared != null && declared.matches("\\d{1,19}") && Long.parseLong(declared) > limitBytes) {
            throw tooLarge();
        }
        request.pause();
        AtomicLong received = new AtomicLong();
        vertx.fileSystem().createTempFile("codi-upload-", ".bin")
                .compose(path -> vertx.fileSystem().open(path, new OpenOptions().setWrite(true))
                        .compose(file -> spool(request, file, received).eventually(file::close))
                        .compose(spooled -> decodePool.submit(() -> uploads.store(owner, Path.of(path))))
                        .eventually(() -> vertx.fileSystem().delete(path)))
                .onSuccess(upload -> context.response().setStatusCode(201)
                        .putHeader("Content-Type", "application/json")
                        .putHeader("Location", "/v1/uploads/" + upload.id())
                        .end(upload.toResource().encodePrettily()))
                .onFailure(context::fail);
    }

    public void get(RoutingContext context) {
        String owner = BearerAuth.owner(context);
        String id = context.pathParam("id");
        vertx.executeBlocking(() -> uploads.find(owner, id), false)
                .onSuccess(found -> {
                    if (found.isEmpty()) {
                        context.fail(Problem.notFound("no upload with id '" + id + "'"));
                    } else {
                        context.response().putHeader("Content-Type", "application/json").end(found.get().toResource().encodePrettily());
                    }
                })
                .onFailure(context::fail);
    }

    /** Writes the body to the file, failing with the limit problem once more than the limit arrived. */
    private Future<Void> spool(HttpServerRequest request, AsyncFile file, AtomicLong received) {
        io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
        request.handler(chunk -> {
            if (received.addAndGet(chunk.length()) > limitBytes) {
                request.handler(null);
                done.tryFail(tooLarge());
                return;
            }
            file.write(chunk);
            if (file.writeQueueFull()) {
                request.pause();
                file.drainHandler(drained -> request.resume());
            }
        });
        request.endHandler(end -> {
            if (received.get() == 0) {
                done.tryFail(Problem.invalidRequest("the upload is empty; send the file's bytes as the request body"));
            } else {
                done.tryComplete();
            }
        });
        request.exceptionHandler(done::tryFail);
        request.resume();
        return done.future().compose(ok -> file.flush());
    }

    private Problem tooLarge() {
        return Problem.limitExceeded(413, "upload_bytes", limitBytes,
                "the upload exceeds the limit of " + limitBytes + " bytes (" + Uploads.LIMIT_VARIABLE + ")");
    }
}
