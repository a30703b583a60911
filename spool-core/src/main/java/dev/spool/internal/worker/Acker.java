package dev.spool.internal.worker;

import dev.spool.internal.Micros;
import dev.spool.internal.queue.JobStore;
import dev.spool.internal.queue.Success;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes job outcomes in batches: the successes of a queue in one {@code complete} call, failures
 * one {@code fail} call each, several batches in flight at once (pipelined on the shared
 * connection). An outcome that cannot be written (Redis away) is tried again until it is.
 */
final class Acker implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Acker.class);
  private static final int MAX_BATCH = 1000;
  private static final int MAX_IN_FLIGHT = 8;

  private final String node;
  private final JobStore store;
  private final Clock clock;
  private final ScheduledExecutorService timers;
  private final Consumer<RunningJob> acknowledged;
  private final Consumer<String> batchPartFailed;
  private final LinkedBlockingQueue<Ack> pending = new LinkedBlockingQueue<>();
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private volatile boolean stopped;

  Acker(
      String node,
      JobStore store,
      Clock clock,
      ScheduledExecutorService timers,
      Consumer<RunningJob> acknowledged,
      Consumer<String> batchPartFailed) {
    this.node = node;
    this.store = store;
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
        ends.computeIfAbsent(Ack.batchOf(part), b -> new ArrayList<>()).add(ack);
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
                store.batchDone(
                    acks.stream().map(Ack::endedBatchPart).toList(),
                    acks.stream().map(a -> a.failure() == null).toList(),
                    now)));
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
        .whenComplete(
            (v, error) -> {
              if (error == null) {
                // A failed part may have stopped its batch: the node must ask again.
                ends.forEach(
                    (b, acks) -> {
                      if (acks.stream().anyMatch(a -> a.failure() != null)) {
                        batchPartFailed.accept(b);
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

  private void sendOutcomes(List<Ack> batch, long now) {
    Map<String, List<Ack>> successes = new LinkedHashMap<>();
    List<CompletableFuture<?>> calls = new ArrayList<>();
    for (Ack ack : batch) {
      String queue = ack.job().id().queue();
      if (ack.failure() == null) {
        successes.computeIfAbsent(queue, q -> new ArrayList<>()).add(ack);
      } else {
        calls.add(
            store
                .fail(queue, node, ack.failure(), now)
                .whenComplete((ok, error) -> settle(List.of(ack), error)));
      }
    }
    successes.forEach(
        (queue, acks) -> {
          List<Success> done = new ArrayList<>(acks.size());
          for (Ack ack : acks) {
            RunningJob job = ack.job();
            done.add(new Success(job.id().number(), job.attempt(), job.resultJson()));
          }
          calls.add(
              store
                  .complete(queue, node, done, now)
                  .whenComplete((n, error) -> settle(acks, error)));
        });
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
        .whenComplete((v, e) -> inFlight.release());
  }

  private void settle(List<Ack> acks, Throwable error) {
    if (error == null) {
      acks.forEach(a -> acknowledged.accept(a.job()));
      return;
    }
    if (stopped) {
      log.warn("node {}: dropping {} outcomes at halt: {}", node, acks.size(), error.toString());
      return;
    }
    log.warn(
        "node {}: could not record {} job outcomes, retrying in 1 s: {}",
        node,
        acks.size(),
        error.toString());
    timers.schedule(() -> pending.addAll(acks), 1, TimeUnit.SECONDS);
  }

  /** True when nothing is waiting or being written. */
  boolean idle() {
    return pending.isEmpty() && inFlight.availablePermits() == MAX_IN_FLIGHT;
  }

  void stop() {
    stopped = true;
  }
}
