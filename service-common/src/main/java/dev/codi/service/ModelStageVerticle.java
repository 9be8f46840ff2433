package dev.codi.service;

import dev.codi.model.CodiModel;
import dev.codi.protocol.stage.StageVerticle;
import dev.codi.storage.ObjectStore;

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
        store = new ObjectStore(settings.objectStore());
        model = SharedModels.acquire(settings, store);
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
