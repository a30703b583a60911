package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Handlers that keep a CPU busy, on platform threads: none waits for another to stop computing. */
class PlatformThreadsIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void moreComputingHandlersThanCoresAllRunAtOnce() {
    // More than the virtual threads' carriers (one per core): on virtual threads the handlers
    // beyond them waited, unstarted, until one stopped computing.
    int jobs = Runtime.getRuntime().availableProcessors() + 2;
    AtomicInteger running = new AtomicInteger();
    AtomicBoolean allRan = new AtomicBoolean();
    Set<String> threads = ConcurrentHashMap.newKeySet();
    List<Noop> args = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      args.add(new Noop(i));
    }
    f.spool.enqueueAll(NOOP, args);
    f.worker("node-1")
        .concurrency(jobs)
        .platformThreads()
        .handle(
            NOOP,
            (job, a) -> {
              threads.add(
                  (Thread.currentThread().isVirtual() ? "virtual " : "")
                      + Thread.currentThread().getName());
              running.incrementAndGet();
              long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
              // Computes without blocking until every handler runs (bounded, so a failure ends).
              while (running.get() < jobs && System.nanoTime() < until) {
                Thread.onSpinWait();
              }
              if (running.get() == jobs) {
                allRan.set(true);
              }
            })
        .start();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> f.spool.monitor().counts("work").completed() == jobs);
    assertThat(allRan).as("every handler ran at the same time").isTrue();
    assertThat(threads).allSatisfy(t -> assertThat(t).startsWith("spool-handler-node-1-"));
  }
}
