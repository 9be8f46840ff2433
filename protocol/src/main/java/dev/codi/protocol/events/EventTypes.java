package dev.codi.protocol.events;

/** CloudEvents {@code type} values of the protocol, reverse-DNS as the spec recommends. */
public final class EventTypes {
    /** On the jobs topic: a validated job whose inputs are in object storage. */
    public static final String JOB_SUBMITTED = "dev.codi.job.submitted";
    /** On the conditioning topic. */
    public static final String JOB_CONDITIONED = "dev.codi.job.conditioned";
    /** On the latents topic. */
    public static final String JOB_SAMPLED = "dev.codi.job.sampled";

    /** On the job-events topic: the job's lifecycle, folded by the gateway into the job view. */
    public static final String JOB_QUEUED = "dev.codi.job.queued";
    public static final String JOB_STARTED = "dev.codi.job.started";
    public static final String JOB_PROGRESS = "dev.codi.job.progress";
    public static final String STAGE_COMPLETED = "dev.codi.job.stage-completed";
    public static final String JOB_SUCCEEDED = "dev.codi.job.succeeded";
    public static final String JOB_FAILED = "dev.codi.job.failed";
    /**
     * Published by the gateway when a client cancels; stages keep the set of canceled jobs from
     * it and skip them (queued) or stop them between denoising steps (running).
     */
    public static final String JOB_CANCELED = "dev.codi.job.canceled";
    /** A stage stopped working on a canceled job, at this step: observability only, the job is already canceled. */
    public static final String JOB_ABANDONED = "dev.codi.job.abandoned";

    private EventTypes() {
    }
}
