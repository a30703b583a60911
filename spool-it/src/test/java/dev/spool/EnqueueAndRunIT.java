package dev.spool;

import static dev.spool.Fixtures.GREET;
import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Greeting;
import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EnqueueAndRunIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  @Test
  void enqueuedJobRunsWithItsArgumentsAndSucceeds() throws Exception {
    List<Greeting> seen = new CopyOnWriteArrayList<>();
    Map<String, Object> context = new ConcurrentHashMap<>();
    Instant before = Instant.now();
    JobId id = f.spool.enqueue(GREET, new Greeting("ada@example.com", "hello"));
    f.worker("node-1")
        .handle(
            GREET,
            (job, greeting) -> {
              context.put("id", job.id());
              context.put("type", job.type());
              context.put("attempt", job.attempt());
              context.put("node", job.node());
              context.put("enqueuedAt", job.enqueuedAt());
              seen.add(greeting);
            })
        .start();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.monitor().counts("work").completed() == 1);
    assertThat(seen).containsExactly(new Greeting("ada@example.com", "hello"));
    assertThat(context)
        .containsEntry("id", id)
        .containsEntry("type", "greet")
        .containsEntry("attempt", 0)
        .containsEntry("node", "node-1");
    assertThat((Instant) context.get("enqueuedAt")).isBetween(before.minusMillis(1), Instant.now());
    assertThat(f.redis().hget(f.jobKey(id), "s")).isEqualTo("succeeded");
    assertThat(f.spool.monitor().counts("work")).isEqualTo(new QueueCounts("work", 0, 0, 0, 1, 0));
  }

  @Test
  void idsAreQueueAndNumberAndParseBack() {
    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    assertThat(id.queue()).isEqualTo("work");
    assertThat(JobId.parse(id.toString())).isEqualTo(id);
  }

  @Test
  void enqueueAllQueuesEveryJobInOrder() {
    List<JobId> ids = f.spool.enqueueAll(NOOP, Fixtures.noops(1234));
    assertThat(ids).hasSize(1234).doesNotHaveDuplicates();
    assertThat(ids).isSortedAccordingTo((a, b) -> Long.compare(a.number(), b.number()));
    assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(1234);
    assertThat(f.redis().lrange(f.namespace + ":{work}:ready", 0, 2))
        .containsExactly(
            Long.toString(ids.get(0).number()),
            Long.toString(ids.get(1).number()),
            Long.toString(ids.get(2).number()));
  }

  @Test
  void optionsQueueOverridesTheTypesQueue() {
    JobId id = f.spool.enqueue(NOOP, new Noop(1), JobOptions.builder().queue("other").build());
    assertThat(id.queue()).isEqualTo("other");
    assertThat(f.spool.monitor().queues()).containsExactly("other");
    assertThat(f.spool.monitor().counts("other").ready()).isEqualTo(1);
  }

  @Test
  void higherPriorityRunsFirstAndEqualPrioritiesKeepTheirOrder() throws Exception {
    f.spool.enqueue(NOOP, new Noop(1));
    f.spool.enqueue(NOOP, new Noop(2), JobOptions.builder().priority(-5).build());
    f.spool.enqueue(NOOP, new Noop(3), JobOptions.builder().priority(10).build());
    f.spool.enqueue(NOOP, new Noop(4));
    f.spool.enqueue(NOOP, new Noop(5), JobOptions.builder().priority(10).build());
    f.spool.enqueue(NOOP, new Noop(6), JobOptions.builder().priority(1).build());
    List<Integer> order = new CopyOnWriteArrayList<>();
    f.worker("node-1").concurrency(1).handle(NOOP, (job, a) -> order.add(a.n())).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> order.size() == 6);
    assertThat(order).containsExactly(3, 5, 6, 1, 4, 2);
  }

  @Test
  void cancelRemovesAQueuedJobAndMarksItKilled() {
    JobId keep = f.spool.enqueue(NOOP, new Noop(1));
    JobId drop = f.spool.enqueue(NOOP, new Noop(2));
    assertThat(f.spool.cancel(drop)).isTrue();
    assertThat(f.spool.cancel(drop)).as("already cancelled").isFalse();
    assertThat(f.spool.cancel(new JobId("work", 999_999))).as("unknown").isFalse();
    assertThat(f.redis().hget(f.jobKey(drop), "s")).isEqualTo("killed");
    assertThat(f.redis().ttl(f.jobKey(drop))).isPositive();
    // Its number stays in the list (taking it out would cost as much as the list is long), noted
    // as left behind for the fetch to drop; it is no ready job.
    assertThat(f.redis().smembers(f.namespace + ":{work}:gone"))
        .containsExactly(Long.toString(drop.number()));
    assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(1);
    assertThat(f.spool.statuses().find(keep).orElseThrow().state()).isEqualTo(State.QUEUED);
  }

  @Test
  void aRunningJobCannotBeCancelled() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    f.worker("node-1")
        .handle(
            NOOP,
            (job, a) -> {
              started.countDown();
              release.await();
            })
        .start();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(f.spool.cancel(id)).isFalse();
    release.countDown();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.monitor().counts("work").completed() == 1);
  }

  @Test
  void statusStringShowsReadyDelayedAndProcessed() {
    f.spool.enqueueAll(NOOP, Fixtures.noops(1500));
    f.spool.enqueue(NOOP, new Noop(0), JobOptions.builder().delay(Duration.ofHours(1)).build());
    assertThat(f.spool.monitor().statusString("work")).isEqualTo("R=1.50K D=1 P=0/0");
  }

  @Test
  void workerFetchesItsQueuesInTheListedOrder() throws Exception {
    JobType<Noop> low = JobType.of("low", Noop.class).withQueue("low");
    JobType<Noop> high = JobType.of("high", Noop.class).withQueue("high");
    f.spool.enqueueAll(low, Fixtures.noops(3));
    f.spool.enqueueAll(high, Fixtures.noops(3));
    List<String> order = new CopyOnWriteArrayList<>();
    f.worker("node-1")
        .queues("high", "low")
        .concurrency(1)
        .handle(low, (job, a) -> order.add(job.type()))
        .handle(high, (job, a) -> order.add(job.type()))
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> order.size() == 6);
    assertThat(order).containsExactly("high", "high", "high", "low", "low", "low");
  }
}
