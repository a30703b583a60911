package dev.spool;

import dev.spool.internal.redis.RedisConnection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feedback to the enqueuing application: futures that complete when their job ends. Pushed, not
 * polled — the scripts that end jobs announce them on {@code <ns>:outcome} — and backed by the
 * stored status, so a client that subscribed after the end, or restarted, still gets it.
 */
final class Outcomes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Outcomes.class);

  private final RedisConnection redis;
  private final String channel;
  private final StoreStatuses statuses;
  private final Map<JobId, List<CompletableFuture<JobOutcome>>> waiting = new ConcurrentHashMap<>();
  private final ExecutorService loader = Executors.newVirtualThreadPerTaskExecutor();
  private AutoCloseable subscription;

  Outcomes(RedisConnection redis, String namespace, StoreStatuses statuses) {
    this.redis = redis;
    this.channel = namespace + ":outcome";
    this.statuses = statuses;
  }

  CompletableFuture<JobOutcome> await(JobId id) {
    subscribe();
    CompletableFuture<JobOutcome> future = new CompletableFuture<>();
    waiting.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(future);
    // The job may have ended before we listened: the stored status tells.
    loader.execute(() -> check(id, true));
    return future;
  }

  private synchronized void subscribe() {
    if (subscription != null) {
      return;
    }
    subscription =
        redis.subscribe(
            channel,
            ids -> {
              for (String text : ids.split(" ")) {
                try {
                  JobId id = JobId.parse(text);
                  if (waiting.containsKey(id)) {
                    loader.execute(() -> check(id, false));
                  }
                } catch (IllegalArgumentException e) {
                  log.debug("ignoring outcome message '{}'", text);
                }
              }
            });
  }

  private void check(JobId id, boolean first) {
    try {
      JobStatus status = statuses.findOrUnknown(id);
      if (status.state() == State.UNKNOWN && first) {
        finish(id, null, new SpoolException("no job '" + id + "' (never enqueued, or expired)"));
      } else if (JobOutcome.isFinal(status.state())) {
        finish(id, JobOutcome.of(status), null);
      }
    } catch (RuntimeException e) {
      log.warn("could not read the outcome of {}: {}", id, e.toString());
    }
  }

  private void finish(JobId id, JobOutcome outcome, Throwable error) {
    List<CompletableFuture<JobOutcome>> futures = waiting.remove(id);
    if (futures == null) {
      return;
    }
    for (CompletableFuture<JobOutcome> f : futures) {
      if (error != null) {
        f.completeExceptionally(error);
      } else {
        f.complete(outcome);
      }
    }
  }

  @Override
  public synchronized void close() {
    SpoolException closed = new SpoolException("Spool closed before the outcome arrived");
    waiting.keySet().forEach(id -> finish(id, null, closed));
    loader.shutdownNow();
    if (subscription != null) {
      try {
        subscription.close();
      } catch (Exception e) {
        log.debug("closing the outcome subscription failed: {}", e.toString());
      }
    }
  }
}
