package dev.spool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.internal.json.Json;
import dev.spool.internal.redis.RedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feedback to the enqueuing application: futures that complete when their job ends. Pushed, not
 * polled — the scripts that end jobs announce them on {@code <ns>:outcome} — and backed by the
 * stored status, so a client that subscribed after the end, or restarted, still gets it.
 *
 * <p>Pub/sub drops messages published while the subscription is down (a reconnect, a killed
 * client): the stored status of every pending future is read again after each reconnect of the
 * subscription, and every {@code recheckInterval} while any is pending — one pipelined look-up of
 * up to {@link #MAX_RECHECK} jobs per round — so a future always completes once its job has ended.
 */
final class Outcomes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Outcomes.class);

  /** Pending jobs whose status one look-up reads; beyond, the next rounds take the others. */
  private static final int MAX_RECHECK = 1_000;

  private static final TypeReference<Map<String, Object>> RESULT = new TypeReference<>() {};

  private final RedisConnection redis;
  private final String channel;
  private final StoreStatuses statuses;
  private final Duration recheckInterval;
  private final Map<JobId, List<CompletableFuture<JobOutcome>>> waiting = new ConcurrentHashMap<>();
  private final ExecutorService loader = Executors.newVirtualThreadPerTaskExecutor();
  private final AtomicLong recheckCursor = new AtomicLong();

  /** Pending jobs one recheck round found gone; the next round that finds them gone fails them. */
  private final Set<JobId> goneOnce = ConcurrentHashMap.newKeySet();

  private ScheduledExecutorService timer; // guarded by this
  private AutoCloseable subscription; // guarded by this

  Outcomes(
      RedisConnection redis, String namespace, StoreStatuses statuses, Duration recheckInterval) {
    this.redis = redis;
    this.channel = namespace + ":outcome";
    this.statuses = statuses;
    this.recheckInterval = recheckInterval;
  }

  CompletableFuture<JobOutcome> await(JobId id) {
    subscribe();
    CompletableFuture<JobOutcome> future = new CompletableFuture<>();
    waiting.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(future);
    // The job may have ended before we listened: the stored status tells.
    loader.execute(() -> firstCheck(id));
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
              if (ids.startsWith("[")) {
                deleted(ids);
                return;
              }
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
            },
            () -> loader.execute(this::recheckAll));
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "spool-outcomes");
              t.setDaemon(true);
              return t;
            });
    long period = recheckInterval.toMillis();
    timer.scheduleWithFixedDelay(this::recheckAll, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Jobs that succeeded and were deleted at once (see {@link Spool.Builder#keepSucceeded}): the
   * message carries their results, since no status is left to read.
   */
  private void deleted(String message) {
    try {
      for (JsonNode entry : Json.mapper().readTree(message)) {
        JobId id = JobId.parse(entry.get(0).asText());
        if (waiting.containsKey(id)) {
          JsonNode result = entry.get(1);
          Map<String, Object> values =
              result == null || !result.isObject()
                  ? Map.of()
                  : Json.mapper().convertValue(result, RESULT);
          finish(id, new JobOutcome(id, State.SUCCEEDED, values, List.of()), null);
        }
      }
    } catch (JsonProcessingException | RuntimeException e) {
      log.debug("ignoring outcome message '{}': {}", message, e.toString());
    }
  }

  /**
   * The first look at a job's status, as its future is made. A job unknown then is looked at once
   * more a second later before its future fails: a job deleted as it succeeded (see {@link
   * Spool.Builder#keepSucceeded}) is announced by a message that may still be on its way.
   */
  private void firstCheck(JobId id) {
    try {
      JobStatus status = statuses.findOrUnknown(id);
      if (status.state() == State.UNKNOWN) {
        CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS, loader)
            .execute(() -> check(id, true));
      } else {
        settle(status, true);
      }
    } catch (RuntimeException e) {
      log.warn("could not read the outcome of {}: {}", id, e.toString());
    }
  }

  private void check(JobId id, boolean unknownIsFinal) {
    try {
      settle(statuses.findOrUnknown(id), unknownIsFinal);
    } catch (RuntimeException e) {
      log.warn("could not read the outcome of {}: {}", id, e.toString());
    }
  }

  /** Reads the status of pending futures' jobs in one pipelined round trip. */
  private void recheckAll() {
    if (waiting.isEmpty()) {
      return;
    }
    List<JobId> pending = new ArrayList<>(waiting.keySet());
    List<JobId> ids = pending;
    if (pending.size() > MAX_RECHECK) {
      // A window that moves on each round, so that every pending job gets its turn.
      int from = (int) (recheckCursor.getAndAdd(MAX_RECHECK) % pending.size());
      ids = new ArrayList<>(MAX_RECHECK);
      for (int i = 0; i < MAX_RECHECK; i++) {
        ids.add(pending.get((from + i) % pending.size()));
      }
    }
    try {
      for (JobStatus status : statuses.findAllOrUnknown(ids)) {
        // A status gone while we waited (deleted, or expired) will never end: say so — at the
        // second round that finds it gone. A job deleted as it succeeded (keepSucceeded(false)) is
        // announced by a message that may still be on its way: hundreds of large results ending
        // at once took longer than a round, and their futures failed with "no job".
        if (status.state() == State.UNKNOWN && goneOnce.add(status.id())) {
          continue;
        }
        settle(status, true);
      }
    } catch (RuntimeException e) {
      log.debug("could not re-read {} pending outcomes: {}", ids.size(), e.toString());
    }
  }

  private void settle(JobStatus status, boolean unknownIsFinal) {
    JobId id = status.id();
    if (status.state() == State.UNKNOWN && unknownIsFinal) {
      finish(id, null, new SpoolException("no job '" + id + "' (never enqueued, or expired)"));
    } else if (JobOutcome.isFinal(status.state())) {
      finish(id, JobOutcome.of(status), null);
    }
  }

  private void finish(JobId id, JobOutcome outcome, Throwable error) {
    goneOnce.remove(id);
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
    if (timer != null) {
      timer.shutdownNow();
    }
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
