package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Weighted fetching: with every queue full, each queue's share of the first 10 000 jobs started is
 * its weight's share (within 10 %); a queue with nothing to do leaves its share to the others;
 * strict order stays the default.
 */
class WeightedQueuesIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final JobType<Noop> CRITICAL = JobType.of("c", Noop.class).withQueue("critical");
  static final JobType<Noop> DEFAULT = JobType.of("d", Noop.class).withQueue("default");
  static final JobType<Noop> LOW = JobType.of("l", Noop.class).withQueue("low");
  static final int COUNTED = 10_000;

  Fixtures f;
  Spool spool;
  final AtomicInteger started = new AtomicInteger();
  final Map<String, AtomicInteger> byQueue = new ConcurrentHashMap<>();

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    spool = Spool.builder().redis(redis.uri()).namespace(f.namespace).build();
  }

  @AfterEach
  void tearDown() {
    spool.close();
    f.close();
  }

  private Handler<Noop> counting(String queue) {
    return (job, a) -> {
      if (started.incrementAndGet() <= COUNTED) {
        byQueue.computeIfAbsent(queue, q -> new AtomicInteger()).incrementAndGet();
      }
    };
  }

  private Worker.Builder worker() {
    return spool
        .worker("node-1")
        .concurrency(32)
        .shutdownTimeout(Duration.ofSeconds(2))
        .handle(CRITICAL, counting("critical"))
        .handle(DEFAULT, counting("default"))
        .handle(LOW, counting("low"));
  }

  private int share(String queue) {
    AtomicInteger n = byQueue.get(queue);
    return n == null ? 0 : n.get();
  }

  @Test
  void withEveryQueueFullEachGetsItsWeightsShare() {
    // More of each than its share of the counted jobs, so no queue runs dry while counting.
    spool.enqueueAll(CRITICAL, Fixtures.noops(8_000));
    spool.enqueueAll(DEFAULT, Fixtures.noops(5_000));
    spool.enqueueAll(LOW, Fixtures.noops(2_500));
    // As the command line and spool.worker.queues write them: low, given no weight, weighs 1.
    try (Worker w = worker().queueList(List.of("critical=6", "default=3", "low")).start()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> started.get() >= COUNTED);
    }
    assertThat(share("critical")).isBetween(5_400, 6_600);
    assertThat(share("default")).isBetween(2_700, 3_300);
    assertThat(share("low")).isBetween(900, 1_100);
  }

  @Test
  void aQueueWithNothingToDoLeavesItsShareToTheOthers() {
    spool.enqueueAll(LOW, Fixtures.noops(2_000));
    try (Worker w = worker().queue("critical", 100).queue("default", 50).queue("low", 1).start()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> started.get() == 2_000);
    }
    assertThat(share("low")).isEqualTo(2_000);
  }

  @Test
  void strictOrderRunsTheFirstQueueDryFirst() {
    spool.enqueueAll(LOW, Fixtures.noops(200));
    spool.enqueueAll(CRITICAL, Fixtures.noops(500));
    List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (Worker w =
        spool
            .worker("node-1")
            .concurrency(1)
            .queues("critical", "low")
            .handle(CRITICAL, (job, a) -> order.add("critical"))
            .handle(LOW, (job, a) -> order.add("low"))
            .start()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> order.size() == 700);
    }
    assertThat(order.subList(0, 500)).containsOnly("critical");
  }
}
