package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ListenersIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final JobType<Noop> FLAKY =
      JobType.of("flaky", Noop.class)
          .withQueue("work")
          .withRetry(Retry.fixed(2, Duration.ofMillis(20)));

  final List<String> events = new CopyOnWriteArrayList<>();
  final List<JobEvent> started = new CopyOnWriteArrayList<>();
  Spool spool;

  final JobListener recorder =
      new JobListener() {
        @Override
        public void enqueued(String queue, String type, int jobs) {
          events.add("enqueued " + queue + " " + type + " " + jobs);
        }

        @Override
        public void started(JobEvent job) {
          started.add(job);
        }

        @Override
        public void finished(JobEvent job, AttemptResult result, Duration execution) {
          events.add(job.type() + "#" + job.attempt() + " " + result);
        }
      };

  @AfterEach
  void tearDown() {
    spool.close();
  }

  private Spool.Builder builder() {
    return Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace());
  }

  @Test
  void listenersHearEnqueuesStartsAndEveryAttemptsResult() {
    spool = builder().listener(recorder).build();
    spool.enqueueAll(Fixtures.NOOP, Fixtures.noops(3));
    spool.enqueue(FLAKY, new Noop(1));
    spool
        .worker("node-1")
        .queues("work")
        .handle(Fixtures.NOOP, (job, a) -> {})
        .handle(
            FLAKY,
            (job, a) -> {
              throw new IllegalStateException("always");
            })
        .start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> events.stream().filter(e -> e.startsWith("flaky#1")).count() == 1);
    assertThat(events)
        .contains(
            "enqueued work noop 3", "enqueued work flaky 1", "flaky#0 RETRIED", "flaky#1 DEAD")
        .filteredOn(e -> e.startsWith("noop#0 SUCCEEDED"))
        .hasSize(3);
    assertThat(started).allSatisfy(e -> assertThat(e.sinceEnqueued()).isPresent());
    assertThat(started).extracting(JobEvent::node).containsOnly("node-1");
  }

  @Test
  void aFailingListenerChangesNoOutcome() {
    spool =
        builder()
            .listener(
                new JobListener() {
                  @Override
                  public void started(JobEvent job) {
                    throw new IllegalStateException("listener bug");
                  }
                })
            .listener(recorder)
            .build();
    spool.enqueue(Fixtures.NOOP, new Noop(1));
    spool.worker("node-1").handle(Fixtures.NOOP, (job, a) -> {}).start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> spool.monitor().counts("work").completed() == 1);
    assertThat(events).contains("noop#0 SUCCEEDED");
  }

  /**
   * An Error from a listener's {@code started} used to escape the runner before the attempt: the
   * job was held for good (its lease renewed, never recorded) and a stop waited its whole timeout.
   */
  @Test
  void aListenerThatThrowsAnErrorOnStartChangesNoOutcomeAndLeavesNoJobHeld() {
    spool =
        builder()
            .listener(
                new JobListener() {
                  @Override
                  public void started(JobEvent job) {
                    throw new AssertionError("listener bug");
                  }
                })
            .listener(recorder)
            .build();
    JobId ok = spool.enqueue(Fixtures.NOOP, new Noop(1));
    JobId failing = spool.enqueue(FLAKY, new Noop(2));
    Worker worker =
        spool
            .worker("node-1")
            .queues("work")
            .handle(Fixtures.NOOP, (job, a) -> {})
            .handle(
                FLAKY,
                (job, a) -> {
                  throw new IllegalStateException("always");
                })
            .start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                spool.statuses().find(ok).orElseThrow().state() == State.SUCCEEDED
                    && spool.statuses().find(failing).orElseThrow().state() == State.FAILED);
    assertThat(events).contains("noop#0 SUCCEEDED", "flaky#0 RETRIED", "flaky#1 DEAD");
    await().atMost(Duration.ofSeconds(10)).until(() -> worker.busy() == 0);
    StopSummary stopped = worker.stop();
    assertThat(stopped.handedBack()).isZero();
    assertThat(stopped.leftToLease()).isZero();
  }

  @Test
  void headersSetAtEnqueueReachTheRunInterceptorOfEachAttempt() {
    Map<String, Map<String, String>> seen = new ConcurrentHashMap<>();
    List<String> order = new CopyOnWriteArrayList<>();
    spool =
        builder()
            .interceptor(
                new JobInterceptor() {
                  @Override
                  public <T> T aroundEnqueue(EnqueueCall call, Supplier<T> proceed) {
                    call.header("tenant", "acme-" + call.queue() + "-" + call.jobs());
                    return proceed.get();
                  }

                  @Override
                  public void aroundRun(JobEvent job, Map<String, String> headers, Attempt proceed)
                      throws Exception {
                    order.add("outer");
                    seen.put(job.id().toString(), headers);
                    proceed.run();
                  }
                })
            .interceptor(
                new JobInterceptor() {
                  @Override
                  public void aroundRun(JobEvent job, Map<String, String> headers, Attempt proceed)
                      throws Exception {
                    order.add("inner");
                    proceed.run();
                  }
                })
            .build();
    JobId id = spool.enqueue(Fixtures.NOOP, new Noop(1));
    JobId each =
        spool.tryEnqueueAll(List.of(JobSpec.of(Fixtures.NOOP, new Noop(2)))).getFirst().jobId();
    // One job at a time, so the two attempts' interceptor calls cannot interleave in `order`.
    spool
        .worker("node-1")
        .concurrency(1)
        .handle(Fixtures.NOOP, (job, a) -> order.add("handler"))
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
    assertThat(seen.get(id.toString())).containsEntry("tenant", "acme-work-1");
    assertThat(seen.get(each.toString())).containsEntry("tenant", "acme-work-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> order.size() == 6);
    assertThat(order).containsExactly("outer", "inner", "handler", "outer", "inner", "handler");
  }
}
