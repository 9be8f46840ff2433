package dev.codi.service;

import dev.codi.model.CodiModel;
import dev.codi.protocol.CloudEvent;
import dev.codi.protocol.events.JobEvent;
import dev.codi.protocol.stage.Outbound;
import dev.codi.protocol.stage.StageVerticle;
import dev.codi.protocol.tracing.Tracing;
import dev.codi.storage.ObjectStore;
import dev.codi.storage.ObjectStoreException;

import java.util.List;

/**
 * A pipeline stage that needs the model and object storage (encoder, diffusion, decoder): both
 * come from the deployment config when the stage starts and are released when it stops. The
 * model is shared with the other stages of the same JVM.
 */
public abstract class ModelStageVerticle extends StageVerticle {
    protected ObjectStore store;
    protected CodiModel model;

    @Override
    protected void prepare() {
        ServiceSettings settings = ServiceSettings.from(config());
        store = new ObjectStore(settings.objectStore(), Tracing.openTelemetry(config(), stage().serviceName()));
        model = SharedModels.acquire(settings, store);
    }

    /**
     * A job's work failed. A transient object-store failure makes the job wait and come again
     * (the job does not fail because the store was away for a while); anything else fails this
     * job only, saying what could not be done and why.
     */
    protected void jobFailed(CloudEvent event, Exception error, String what, List<Outbound> outputs) {
        if (ObjectStoreException.isTransient(error)) {
            retryLater(event, error);
        } else {
            outputs.add(jobEvent(new JobEvent.Failed(event.jobId(), stage(), what + ": " + error.getMessage())));
        }
    }

    @Override
    protected void release() {
        if (model != null) {
            SharedModels.release(model);
        }
        if (store != null) {
            store.close();
        }
    }
}
