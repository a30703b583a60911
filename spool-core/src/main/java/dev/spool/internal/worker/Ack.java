package dev.spool.internal.worker;

import dev.spool.internal.queue.Failure;

/** The outcome of a finished job, waiting to be written: success when {@code failure} is null. */
record Ack(RunningJob job, Failure failure) {}
