package dev.spool.internal.worker;

import dev.spool.JobId;
import dev.spool.JobStatus;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.status.StatusStore;
import java.time.Clock;
import java.util.function.Function;

/** What every role of a worker node shares: its settings, the stores and the clock. */
record NodeContext(
    WorkerSettings settings,
    RedisJobStore store,
    StatusStore statuses,
    Function<JobId, JobStatus> statusLoader,
    Clock clock) {
  String name() {
    return settings.name();
  }
}
