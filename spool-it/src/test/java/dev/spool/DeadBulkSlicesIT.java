package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.redis.Script;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A retry or purge of a whole dead set is one user action, done in many short script calls of a
 * bounded slice each, so that Redis serves other clients between them (a call of 1 000 dead jobs
 * kept Redis busy 50 to 110 ms). Redis's SLOWLOG, logging every call here, tells the calls apart;
 * how long they took is not asserted (see docs/operations.md for the figures).
 */
class DeadBulkSlicesIT {
  static final JobType<Noop> ONCE =
      JobType.of("once", Noop.class).withQueue("work").withRetry(Retry.none());
  static final int DEAD = 600;

  SpoolRedis redis;
  Fixtures f;

  @BeforeEach
  void setUp() {
    redis = SpoolRedis.dedicated();
    f = new Fixtures(redis.uri());
    f.spool.enqueueAll(ONCE, Fixtures.noops(DEAD));
    Worker doomed =
        f.worker("doomed")
            .concurrency(16)
            .handle(
                ONCE,
                (job, a) -> {
                  throw new IllegalStateException("boom");
                })
            .start();
    await().atMost(Duration.ofSeconds(30)).until(() -> f.spool.deadJobs().size("work") == DEAD);
    doomed.close();
    // Loaded now, so that each call is an EVALSHA (not a NOSCRIPT, then an EVAL of the source).
    f.redis().scriptLoad(Script.RETRY_DEAD.source());
    f.redis().scriptLoad(Script.PURGE_DEAD.source());
    f.redis().configSet("slowlog-log-slower-than", "0");
    f.redis().configSet("slowlog-max-len", "10000");
    f.redis().slowlogReset();
  }

  @AfterEach
  void tearDown() {
    f.close();
    redis.close();
  }

  /**
   * The arguments of each call of {@code script} on this test's dead set, as SLOWLOG shows them.
   */
  private List<List<String>> calls(Script script) {
    RedisCommands<String, String> r = f.redis();
    String dead = f.namespace + ":{work}:dead";
    List<List<String>> calls = new ArrayList<>();
    for (Object entry : r.slowlogGet(10_000)) {
      List<?> command = (List<?>) ((List<?>) entry).get(3);
      if (String.valueOf(command.get(0)).equalsIgnoreCase("evalsha")
          && String.valueOf(command.get(1)).equals(script.sha())
          && String.valueOf(command.get(3)).equals(dead)) {
        calls.add(command.stream().map(String::valueOf).toList());
      }
    }
    return calls;
  }

  @Test
  void aRetryOfAllTakesTheDeadSetASliceACall() {
    assertThat(f.spool.deadJobs().retryAll("work")).isEqualTo(DEAD);

    assertThat(f.spool.deadJobs().size("work")).isZero();
    assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(DEAD);
    // One call per slice: the total work of the action is the same, cut finer.
    assertThat(calls(Script.RETRY_DEAD)).hasSize(DEAD / RedisJobStore.RETRY_DEAD_SLICE);
  }

  @Test
  void aPurgeTakesTheDeadSetASliceACall() {
    assertThat(f.spool.deadJobs().purge("work")).isEqualTo(DEAD);

    assertThat(f.spool.deadJobs().size("work")).isZero();
    assertThat(f.spool.statuses().where(State.FAILED).count()).isZero();
    List<List<String>> calls = calls(Script.PURGE_DEAD);
    // EVALSHA sha numkeys dead prefix max: each call deletes at most a slice.
    assertThat(calls)
        .allSatisfy(c -> assertThat(c.get(5)).isEqualTo("" + RedisJobStore.PURGE_DEAD_SLICE))
        .hasSize(DEAD / RedisJobStore.PURGE_DEAD_SLICE + 1);
  }
}
