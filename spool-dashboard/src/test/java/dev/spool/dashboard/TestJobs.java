package dev.spool.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.JobType;
import dev.spool.Retry;
import dev.spool.Worker;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** The job types of the dashboard tests, each on a queue of its own. */
final class TestJobs {
  /** Succeeds at once, with progress. */
  static final JobType<JsonNode> ECHO =
      JobType.of("dash-echo", JsonNode.class).withQueue("dash-echo");

  /** Fails while {@link #failing} is set, with no retries: straight to the dead set. */
  static final JobType<JsonNode> FLAKY =
      JobType.of("dash-flaky", JsonNode.class).withQueue("dash-flaky").withRetry(Retry.none());

  /** Runs until it is killed (or for a minute). */
  static final JobType<JsonNode> BLOCK =
      JobType.of("dash-block", JsonNode.class).withQueue("dash-block");

  /**
   * Runs until {@link #release} opens (or for a minute), whatever interrupts it: a handler that
   * does not stop at once when its job is killed.
   */
  static final JobType<JsonNode> STUBBORN =
      JobType.of("dash-stubborn", JsonNode.class).withQueue("dash-stubborn");

  /** Queued and never run: no node serves its queue. */
  static final JobType<JsonNode> IDLE =
      JobType.of("dash-idle", JsonNode.class).withQueue("dash-idle");

  /**
   * Logs {@code lines} lines of {@code width} characters ("line 0 xxx…"), then each line put into
   * {@link #toLog}, and runs until it is killed (or for a minute).
   */
  static final JobType<JsonNode> CHATTY =
      JobType.of("dash-chatty", JsonNode.class).withQueue("dash-chatty");

  final AtomicBoolean failing = new AtomicBoolean(true);
  final BlockingQueue<String> toLog = new LinkedBlockingQueue<>();
  final CountDownLatch release = new CountDownLatch(1);

  /** A node serving every queue but the idle one. */
  Worker start(Worker.Builder worker) {
    return worker
        .queues("dash-echo", "dash-flaky", "dash-block", "dash-chatty", "dash-stubborn")
        .concurrency(4)
        .handle(ECHO, (job, args) -> job.progress(1, 1))
        .handle(
            FLAKY,
            (job, args) -> {
              job.log("checking <b>the</b> book");
              if (failing.get()) {
                throw new IllegalStateException("failing on purpose");
              }
              job.put("ok", true);
            })
        .handle(
            BLOCK,
            (job, args) -> {
              // Runs until a kill request interrupts it (at most a minute).
              new java.util.concurrent.CountDownLatch(1)
                  .await(60, java.util.concurrent.TimeUnit.SECONDS);
            })
        .handle(
            STUBBORN,
            (job, args) -> {
              long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
              while (System.nanoTime() < end) {
                try {
                  if (release.await(100, TimeUnit.MILLISECONDS)) {
                    return;
                  }
                } catch (InterruptedException e) {
                  // Goes on: it stops only when released.
                }
              }
            })
        .handle(
            CHATTY,
            (job, args) -> {
              String filler = "x".repeat(args.path("width").asInt(10));
              for (int i = 0; i < args.path("lines").asInt(); i++) {
                job.log("line " + i + " " + filler);
              }
              long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
              while (System.nanoTime() < end) {
                String line = toLog.poll(100, TimeUnit.MILLISECONDS);
                if (line != null) {
                  job.log(line);
                }
              }
            })
        .start();
  }
}
