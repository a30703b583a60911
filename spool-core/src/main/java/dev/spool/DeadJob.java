package dev.spool;

import java.time.Instant;

/**
 * A job in the dead set: its last attempt failed, or it could never run.
 *
 * @param args the stored JSON arguments, as they were enqueued
 * @param error the last error, as JSON
 * @param attempt the zero-based attempt that failed last
 */
public record DeadJob(
    JobId id, String type, String args, String error, int attempt, Instant diedAt) {}
