package dev.codi.gateway.view;

import java.time.Instant;
import java.util.Comparator;

/**
 * One line of a key's job list: what {@link JobView}'s per-owner index keeps of a job (its id,
 * creation time and status; never the snapshot), ordered newest first.
 */
public record OwnedJob(String id, Instant createdAt, JobStatus status) {
    /** Newest first; jobs created in the same instant by id, descending, so the order is total. */
    public static final Comparator<Position> NEWEST_FIRST = Comparator.comparing(Position::createdAt).reversed()
            .thenComparing(Comparator.comparing(Position::id).reversed());

    public Position position() {
        return new Position(createdAt, id);
    }

    /** Where a job sits in the list: what a page cursor names (the last job of the page before). */
    public record Position(Instant createdAt, String id) {
    }
}
