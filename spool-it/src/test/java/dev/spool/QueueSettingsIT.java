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
  void aLimitWrittenByHandReadsAsFetchTakesIt() {
    Keys keys = new Keys(f.namespace);
    JobType<Fixtures.Noop> job = JobType.of("noop", Fixtures.Noop.class).withQueue("hand");
    // No start per day: Spool refuses it, so it is no limit (fetch let one job a day start).
    f.redis().set(keys.queue("hand").rateLimit(), "0|86400000");
    f.redis().set(keys.queue("stopped").concurrencyLimit(), "-1"); // lets no job start
    AtomicInteger ran = new AtomicInteger();
    for (int i = 0; i < 5; i++) {
      spool.enqueue(job, new Fixtures.Noop(i));
    }

    try (Worker w =
        spool.worker("n").queues("hand").handle(job, (ctx, a) -> ran.incrementAndGet()).start()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> ran.get() == 5);
    }
    List<QueueSettings> read = spool.monitor().settings(List.of("hand", "stopped"));
    assertThat(read.get(0).rateLimit()).isEmpty();
    assertThat(read.get(1).concurrencyLimit()).hasValue(-1);
  }
}
