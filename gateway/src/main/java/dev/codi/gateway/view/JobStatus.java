package dev.codi.gateway.view;

import java.util.Locale;

/** docs/design.md §4: queued → running → succeeded | failed | canceled. */
public enum JobStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELED;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
