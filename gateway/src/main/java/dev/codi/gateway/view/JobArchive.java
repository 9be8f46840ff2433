package dev.codi.gateway.view;

import dev.codi.protocol.MalformedEventException;
import dev.codi.storage.ObjectKeys;
import dev.codi.storage.ObjectNotFoundException;
import dev.codi.storage.ObjectStore;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.util.Optional;

/**
 * Finished jobs in the object store: the last snapshot of each ({@link JobStateWriter} puts it at
 * {@code jobs/{id}/job.json}, beside the job's inputs and artifacts), read back when a client asks
 * for a job that left the gateway's memory — one GET, whatever the history. Blocking: call it
 * from a worker.
 */
public final class JobArchive {
    private final ObjectStore store;

    public JobArchive(ObjectStore store) {
        this.store = store;
    }

    public Optional<JobSnapshot> find(String jobId) {
        if (!ObjectKeys.isValidId(jobId)) {
            return Optional.empty();
        }
        try {
            byte[] bytes = store.get(ObjectKeys.jobState(jobId));
            return Optional.of(JobSnapshot.fromData(jobId, new JsonObject(Buffer.buffer(bytes))));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        } catch (MalformedEventException | io.vertx.core.json.DecodeException e) {
            throw new IllegalStateException("the stored snapshot of job " + jobId + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Deletes everything stored for the job (inputs, latents, artifacts, snapshot); returns how many objects. */
    public int delete(String jobId) {
        int deleted = 0;
        for (String key : store.list(ObjectKeys.jobPrefix(jobId))) {
            store.delete(key);
            deleted++;
        }
        return deleted;
    }
}
