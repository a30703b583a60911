package dev.spool.internal.worker;

import dev.spool.internal.Micros;
import dev.spool.internal.queue.Failure;
import dev.spool.internal.queue.FailureRecorded;
import dev.spool.internal.queue.JobStore;
import dev.spool.internal.queue.Success;
import dev.spool.internal.redis.RedisConnection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes job outcomes in batches: the successes of a queue in one {@code complete} call (several
 * when their results are large, see {@link #MAX_RESULT_CHARS_PER_CALL}), failures one {@code fail}
 * call each. A {@code complete} call goes over a caller-thread socket where one is free, answered
 * before the next batch is taken (the successes that come meanwhile make that batch); failures,
 * batch-part ends and calls that cannot take a socket are pipelined on the shared connection, up to
 * {@link #MAX_IN_FLIGHT} batches at once. An outcome that cannot be written because Redis is away
 * is tried again, with a backoff, until it is. One refused by an error of its own (a script error
 * on a malformed job) is first written apart from the others, then given up after {@link
 * #MAX_TRIES} tries: its slot is freed and its lease no longer renewed, so the reaper recovers the
 * job.
 */
final class Acker implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Acker.class);
  private static final int MAX_BATCH = 1000;

  /**
   * The result JSON one {@code complete} call carries, in characters, at most (a single larger
   * result goes in a call of its own). Without it, 1 000 results of a few hundred KiB made one call
   * of hundreds of MB; and where succeeded jobs are not kept, the call announces every result in
   * one pub/sub message, which past Redis's pub/sub output buffer limit (32 MB by default) gets
   * every subscriber of the outcome channel disconnected, losing the outcomes of all clients.
   */
  static final int MAX_RESULT_CHARS_PER_CALL = 1 << 20;

  private static final int MAX_IN_FLIGHT = 8;
  static final int MAX_TRIES = 3;
  private static final long MAX_BACKOFF_MS = 5_000;

  private final String node;
  private final JobStore store;
  private final RedisConnection redis;
  private final Clock clock;
  private final ScheduledExecutorService timers;
  private final Consumer<RunningJob> acknowledged;
  private final Consumer<String> batchPartFailed;

  /** Outcomes refused by an error of their own: written alone from then on, with their tries. */
  private final Map<Ack, Integer> refused = new ConcurrentHashMap<>();

  private final AtomicInteger transientFailures = new AtomicInteger();
  private final LinkedBlockingQueue<Ack> pending = new LinkedBlockingQueue<>();
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private volatile boolean stopped;

  Acker(
      String node,
      JobStore store,
      RedisConnection redis,
      Clock clock,
      ScheduledExecutorService timers,
      Consumer<RunningJob> acknowledged,
      Consumer<String> batchPartFailed) {
    this.node = node;
    this.store = store;
    this.redis = redis;
    this.clock = clock;
    this.timers = timers;
    this.acknowledged = acknowledged;
    this.batchPartFailed = batchPartFailed;
  }

  void submit(Ack ack) {
    pending.add(ack);
  }

  @Override
  public void run() {
    List<Ack> batch = new ArrayList<>();
    while (!stopped) {
      try {
        batch.add(pending.take());
        pending.drainTo(batch, MAX_BATCH - 1);
        inFlight.acquire();
      } catch (InterruptedException e) {
        if (!batch.isEmpty()) {
          pending.addAll(batch);
        }
        return;
      }
      try {
        send(batch);
      } catch (RuntimeException | Error e) {
        // Never let the acker die: held jobs would then never be acknowledged.
        inFlight.release();
        settle(batch, e);
      }
      batch = new ArrayList<>();
    }
  }

  /**
   * Records the batch parts that the outcomes end, one call per batch, and then the outcomes: if
   * the node dies in between, the jobs run again and the batch, counting each part once, is not
   * told twice.
   */
  private void send(List<Ack> batch) {
    long now = Micros.now(clock);
    Map<String, List<Ack>> ends = new LinkedHashMap<>();
    for (Ack ack : batch) {
      String part = ack.endedBatchPart();
      if (part != null) {
        String group = refused.containsKey(ack) ? part + "|" + ends.size() : Ack.batchOf(part);
        ends.computeIfAbsent(group, b -> new ArrayList<>()).add(ack);
      }
    }
    if (ends.isEmpty()) {
      sendOutcomes(batch, now);
      return;
    }
    List<CompletableFuture<?>> calls = new ArrayList<>();
    ends.forEach(
        (b, acks) ->
            calls.add(
                call(
                    () ->
                        store.batchDone(
                            acks.stream().map(Ack::endedBatchPart).toList(),
                            acks.stream().map(a -> a.failure() == null).toList(),
                            now))));
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
        .whenComplete(
            (v, error) -> {
              if (error == null) {
                // A failed part may have stopped its batch: the node must ask again.
                ends.forEach(
                    (group, acks) -> {
                      if (acks.stream().anyMatch(a -> a.failure() != null)) {
                        batchPartFailed.accept(Ack.batchOf(acks.getFirst().endedBatchPart()));
                      }
                    });
                try {
                  sendOutcomes(batch, now);
                } catch (RuntimeException | Error e) {
                  inFlight.release();
                  settle(batch, e);
                }
              } else {
                inFlight.release();
                settle(batch, error);
              }
            });
  }

  /** What the handler put, kept when the attempt ends the job; a retry starts afresh. */
  private static String endingResult(Ack ack) {
    Failure f = ack.failure();
    return f.dead() || f.killed() ? ack.job().resultJson() : "";
  }

  /**
   * Every result is written to JSON before the first call is sent, and a call that throws instead
   * of returning its future fails alone: nothing thrown once a call is out can send the batch back
   * to {@link #run}, which would record the outcomes already sent a second time (and free their
   * slots twice). A queue's successes are cut into calls of at most {@link
   * #MAX_RESULT_CHARS_PER_CALL} characters of results each; each success is in exactly one call.
   */
  private void sendOutcomes(List<Ack> batch, long now) {
    List<Ack> failures = new ArrayList<>();
    List<String> failureResults = new ArrayList<>();
    Map<String, Calls> successes = new LinkedHashMap<>();
    for (Ack ack : batch) {
      if (ack.failure() == null) {
        String queue = ack.job().id().queue();
        String group = refused.containsKey(ack) ? queue + "|" + successes.size() : queue;
        // Written once: resultJson serialises the handler's values on every call.
        successes
            .computeIfAbsent(group, q -> new Calls())
            .add(ack, new Success(ack.job().job(), ack.job().resultJson()));
      } else {
        failures.add(ack);
        failureResults.add(endingResult(ack));
      }
    }
    List<CompletableFuture<?>> calls = new ArrayList<>();
    for (int i = 0; i < failures.size(); i++) {
      Ack ack = failures.get(i);
      String result = failureResults.get(i);
      calls.add(
          call(() -> store.fail(ack.job().id().queue(), node, ack.failure(), result, now))
              .whenComplete(
                  (recorded, error) -> {
                    if (recorded == FailureRecorded.NOT_HELD) {
                      logStale(List.of(ack), 0);
                    } else if (recorded == FailureRecorded.KILLED && !ack.failure().killed()) {
                      logKilledInstead(ack);
                    }
                    settle(List.of(ack), error);
                  }));
    }
    for (Calls group : successes.values()) {
      for (int c = 0; c < group.acks.size(); c++) {
        List<Ack> acks = group.acks.get(c);
        List<Success> done = group.results.get(c);
        String queue = acks.getFirst().job().id().queue();
        calls.add(
            call(() -> store.complete(queue, node, done, now))
                .whenComplete(
                    (n, error) -> {
                      if (n != null && n < acks.size()) {
                        logStale(acks, n);
                      }
                      settle(acks, error);
                    }));
      }
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
        .whenComplete((v, e) -> inFlight.release());
  }

  /**
   * The successes of one group (a queue, or one refused outcome), cut into {@code complete} calls:
   * a call takes successes until the next would bring its results over {@link
   * #MAX_RESULT_CHARS_PER_CALL}; a result larger than that alone fills a call.
   */
  private static final class Calls {
    final List<List<Ack>> acks = new ArrayList<>();
    final List<List<Success>> results = new ArrayList<>();
    private long chars;

    void add(Ack ack, Success success) {
      int size = success.resultJson().length();
      if (acks.isEmpty() || chars + size > MAX_RESULT_CHARS_PER_CALL) {
        acks.add(new ArrayList<>());
        results.add(new ArrayList<>());
        chars = 0;
      }
      acks.getLast().add(ack);
      results.getLast().add(success);
      chars += size;
    }
  }

  /** The call's future; one failed with what it threw, if it threw instead. */
  private static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException | Error e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Says that a job the node meant to retry (or postpone) ended killed: its kill was requested
   * while the attempt ran, after the node had decided. The retry logged before was not made.
   */
  private void logKilledInstead(Ack ack) {
    log.info(
        "node {}: {} ended killed, not {}: its kill was requested while it ran",
        node,
        ack.job(),
        ack.failure().postponed() ? "postponed" : "retried");
  }

  /**
   * Says that outcomes were not recorded because their jobs were no longer this node's attempt: the
   * node stalled past the lease (another node runs the job again), or the job was deleted. Before,
   * the run's end was dropped without a word. An outcome sent again after a call whose answer was
   * lost (a timeout while Redis was frozen, which ran the call when it resumed) is not among them:
   * the scripts count an outcome this same attempt recorded already as recorded.
   */
  private void logStale(List<Ack> acks, long recorded) {
    if (acks.size() == 1) {
      log.warn(
          "node {}: the outcome of {} was not recorded: the job is no longer this node's attempt"
              + " (its lease ran out and another node runs it again, or it was deleted)",
          node,
          acks.getFirst().job());
    } else {
      log.warn(
          "node {}: {} of {} outcomes were not recorded: those jobs are no longer this node's"
              + " attempts (their lease ran out and another node runs them again, or they were"
              + " deleted)",
          node,
          acks.size() - recorded,
          acks.size());
    }
  }

  private void settle(List<Ack> acks, Throwable error) {
    if (error == null) {
      transientFailures.set(0);
      acks.forEach(
          a -> {
            refused.remove(a);
            acknowledged.accept(a.job());
          });
      return;
    }
    if (stopped) {
      log.warn("node {}: dropping {} outcomes at halt: {}", node, acks.size(), error.toString());
      return;
    }
    if (AckErrors.isTransient(error)) {
      long delayMs = backoffMs(transientFailures.incrementAndGet());
      // During an outage, which the connection logs once, only at DEBUG.
      redis.logFailure(
          log,
          "node {}: could not record {} job outcomes, retrying in {} ms: {}",
          node,
          acks.size(),
          delayMs,
          error.toString());
      retryLater(acks, delayMs);
      return;
    }
    if (acks.size() > 1) {
      // One of them is refused: write each alone, so that the others are not held back.
      acks.forEach(a -> refused.putIfAbsent(a, 0));
      pending.addAll(acks);
      return;
    }
    Ack ack = acks.getFirst();
    JobMdc.put(ack.job()); // the lines below are about this job: name it as its handler's do
    try {
      settleRefused(ack, error);
    } finally {
      JobMdc.clear();
    }
  }

  private void settleRefused(Ack ack, Throwable error) {
    List<Ack> acks = List.of(ack);
    int tries = refused.merge(ack, 1, Integer::sum);
    if (tries < MAX_TRIES) {
      log.warn(
          "node {}: the outcome of {} was refused (try {} of {}): {}",
          node,
          ack.job(),
          tries,
          MAX_TRIES,
          error.toString());
      retryLater(acks, backoffMs(tries));
      return;
    }
    refused.remove(ack);
    log.error(
        "node {}: gave up recording the outcome of {} after {} tries: {}; its slot is freed and"
            + " its lease no longer renewed, so it will be recovered as abandoned",
        node,
        ack.job(),
        tries,
        error.toString());
    acknowledged.accept(ack.job());
  }

  private void retryLater(List<Ack> acks, long delayMs) {
    try {
      timers.schedule(() -> pending.addAll(acks), delayMs, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      log.warn("node {}: dropping {} outcomes at shutdown", node, acks.size());
    }
  }

  /** 100 ms, doubled per failure in a row, at most 5 s. */
  private static long backoffMs(int failures) {
    return Math.min(MAX_BACKOFF_MS, 100L << Math.min(failures - 1, 10));
  }

  /** True when nothing is waiting or being written. */
  boolean idle() {
    return pending.isEmpty() && inFlight.availablePermits() == MAX_IN_FLIGHT;
  }

  void stop() {
    stopped = true;
  }
}
