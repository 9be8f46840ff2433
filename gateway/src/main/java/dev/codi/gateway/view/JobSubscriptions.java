package dev.codi.gateway.view;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Who waits on which job (SSE streams, {@code Prefer: wait}): one listener on the view fans each
 * change out to the subscribers of that job only. Confined to the gateway's event loop, like the
 * view.
 */
public final class JobSubscriptions {
    private final Map<String, List<Consumer<JobChange>>> byJob = new HashMap<>();

    public JobSubscriptions(JobView view) {
        view.onChangeEvent(this::dispatch);
    }

    /** Subscribes to one job's changes; run the returned action to unsubscribe. */
    public Runnable subscribe(String jobId, Consumer<JobChange> subscriber) {
        byJob.computeIfAbsent(jobId, id -> new ArrayList<>()).add(subscriber);
        return () -> {
            List<Consumer<JobChange>> subscribers = byJob.get(jobId);
            if (subscribers != null) {
                subscribers.remove(subscriber);
                if (subscribers.isEmpty()) {
                    byJob.remove(jobId);
                }
            }
        };
    }

    private void dispatch(JobChange change) {
        List<Consumer<JobChange>> subscribers = byJob.get(change.job().id());
        if (subscribers != null) {
            List.copyOf(subscribers).forEach(subscriber -> subscriber.accept(change));
        }
    }
}
