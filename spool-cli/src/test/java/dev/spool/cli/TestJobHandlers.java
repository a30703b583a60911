package dev.spool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.JobType;
import dev.spool.Spool;
import dev.spool.Worker;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;

/**
 * The handlers {@code spool worker} finds in the tests, through
 * src/test/resources/META-INF/services/dev.spool.cli.JobHandlers.
 */
public final class TestJobHandlers implements JobHandlers {
  /** Succeeds; its result holds its arguments under "echo". */
  static final JobType<JsonNode> ECHO = JobType.of("cli-echo", JsonNode.class);

  /** Succeeds; its result names the thread it ran on under "thread" ("virtual" for one). */
  static final JobType<JsonNode> THREAD = JobType.of("cli-thread", JsonNode.class);

  /** Always fails. */
  static final JobType<JsonNode> FAIL = JobType.of("cli-fail", JsonNode.class);

  /** Runs until it is killed (or for a minute). */
  static final JobType<JsonNode> BLOCK = JobType.of("cli-block", JsonNode.class);

  public TestJobHandlers() {}

  /** Runs a node with these handlers on the given queues until {@code done}, then stops it. */
  static void runUntil(Spool spool, Callable<Boolean> done, String... queues) {
    Worker.Builder builder = on(spool.worker("test-node"));
    if (queues.length > 0) {
      builder.queues(queues);
    }
    Worker worker = builder.start();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(done);
    } finally {
      worker.close();
    }
  }

  /** Registers these handlers on a node that a test starts itself. */
  static Worker.Builder on(Worker.Builder worker) {
    new TestJobHandlers().register(worker);
    return worker;
  }

  @Override
  public void register(Worker.Builder worker) {
    worker
        .handle(
            ECHO,
            (job, args) -> {
              job.progress(1, 1);
              job.log("echoing " + args);
              job.put("echo", args);
            })
        .handle(
            THREAD,
            (job, args) -> {
              Thread t = Thread.currentThread();
              job.put("thread", t.isVirtual() ? "virtual" : t.getName());
            })
        .handle(
            FAIL,
            (job, args) -> {
              throw new IllegalStateException("failing on purpose");
            })
        .handle(
            BLOCK,
            (job, args) -> {
              long end = System.nanoTime() + 60_000_000_000L;
              while (!job.isKillRequested() && System.nanoTime() < end) {
                Thread.sleep(10);
              }
            });
  }
}
