package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.internal.redis.Keys;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Monitor.settings: every queue's pause and limits in one round trip, as QueueControl reads them
 * one queue at a time; a limit not written by Spool reads as none and costs no other queue.
 */
class QueueSettingsIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;
  Spool spool;

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

  @Test
  void settingsOfManyQueuesReadAsEachQueueControlReadsThem() {
    spool.queue("paused").pause();
    spool.queue("limited").limitConcurrency(5);
    spool.queue("rated").limitRate(10, Duration.ofSeconds(2));
    Keys keys = new Keys(f.namespace);
    f.redis().set(keys.queue("corrupt").concurrencyLimit(), "lots");
    f.redis().set(keys.queue("corrupt").rateLimit(), "0|1000");
    List<String> queues = List.of("paused", "limited", "rated", "corrupt", "untouched");

    List<QueueSettings> settings = spool.monitor().settings(queues);

    assertThat(settings).extracting(QueueSettings::queue).containsExactlyElementsOf(queues);
    assertThat(settings)
        .extracting(QueueSettings::paused)
        .containsExactly(true, false, false, false, false);
    assertThat(settings.get(1).concurrencyLimit()).hasValue(5);
    assertThat(settings.get(2).rateLimit().orElseThrow().max()).isEqualTo(10);
    assertThat(settings.get(2).rateLimit().orElseThrow().per()).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.get(3).concurrencyLimit()).isEmpty();
    assertThat(settings.get(3).rateLimit()).isEmpty();
    for (QueueSettings s : settings) {
      QueueControl control = spool.queue(s.queue());
      assertThat(control.isPaused()).isEqualTo(s.paused());
      assertThat(control.concurrencyLimit()).isEqualTo(s.concurrencyLimit());
      assertThat(control.rateLimit().map(RateLimit::max))
          .isEqualTo(s.rateLimit().map(RateLimit::max));
    }
    assertThatThrownBy(() -> spool.monitor().settings(List.of("no|pipes")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aRateLimitWrittenByHandOutsideSpoolsBoundsIsNoLimitForFetchAsForReads() {
    Keys keys = new Keys(f.namespace);
    // Each let one job a day (or two) start before: 0 starts, a window over a day, a leading 0.
    List<String> written = List.of("0|86400000", "1|172800000", "01|86400000");
    List<String> queues = List.of("zero", "long", "padded");
    AtomicInteger ran = new AtomicInteger();
    Worker.Builder worker = spool.worker("n");
    for (int i = 0; i < queues.size(); i++) {
      String queue = queues.get(i);
      f.redis().set(keys.queue(queue).rateLimit(), written.get(i));
      JobType<Fixtures.Noop> job =
          JobType.of("noop-" + queue, Fixtures.Noop.class).withQueue(queue);
      for (int n = 0; n < 3; n++) {
        spool.enqueue(job, new Fixtures.Noop(n));
      }
      worker.queues(queue).handle(job, (ctx, a) -> ran.incrementAndGet());
    }
    f.redis().set(keys.queue("stopped").concurrencyLimit(), "-1"); // lets no job start

    try (Worker w = worker.start()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> ran.get() == 9);
    }
    List<QueueSettings> read = spool.monitor().settings(queues);
    assertThat(read).allSatisfy(s -> assertThat(s.rateLimit()).isEmpty());
    assertThat(spool.monitor().settings(List.of("stopped")).getFirst().concurrencyLimit())
        .hasValue(-1);
  }
}
