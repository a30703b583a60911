package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.internal.Micros;
import dev.spool.internal.queue.FetchedJob;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.redis.Keys;
import dev.spool.testkit.SpoolRedis;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis that stood still (SIGSTOP, a slow fork, a restart) lets leases expire on its clock though
 * no node could renew them: the first reap call after a long silence only notes the time, so the
 * heartbeats queued meanwhile land before anything is reaped.
 */
class ReapAfterSilenceIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  private static final String QUEUE = "work";
  private static final long MAX_SILENCE_MS = 3_000;
  private FetchedJob held;

  Fixtures f;
  RedisJobStore store;
  Keys.QueueKeys q;
  final Clock clock = Clock.systemUTC();

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    store = f.jobStore();
    q = f.queueKeys(QUEUE);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  /** A held job whose lease ran out while nobody could renew it. */
  private String heldJobWithAnExpiredLease() {
    f.spool.enqueue(NOOP, new Noop(1));
    List<FetchedJob> fetched = store.fetch(QUEUE, "node-1", Micros.now(clock), 60_000, 1);
    held = fetched.getFirst();
    String id = Long.toString(held.id().number());
    f.redis().zadd(q.active(), 1, id);
    return id;
  }

  /** The queue's last reap call, this long ago on Redis's clock. */
  private void lastReapCall(Duration ago) {
    List<String> time = f.redis().time();
    long serverMs = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
    f.redis()
        .set(
            q.jobPrefix().replaceFirst("job:$", "reap-clock"),
            Long.toString(serverMs - ago.toMillis()));
  }

  @Test
  void theFirstCallAfterALongSilenceReapsNothingAndTheNextReapsAsUsual() {
    String id = heldJobWithAnExpiredLease();
    lastReapCall(Duration.ofSeconds(10));

    long[] first = store.reap(QUEUE, Micros.now(clock), 50, MAX_SILENCE_MS);

    assertThat(first).containsExactly(0, 0, 0, 0);
    assertThat(f.redis().hget(q.job(Long.parseLong(id)), "s")).isEqualTo("started");
    assertThat(f.redis().zscore(q.active(), id)).isEqualTo(1.0);

    // No heartbeat came meanwhile (the node is dead): the next call reaps the job.
    long[] next = store.reap(QUEUE, Micros.now(clock), 50, MAX_SILENCE_MS);

    assertThat(next).containsExactly(1, 0, 0, 1);
    assertThat(f.redis().hget(q.job(Long.parseLong(id)), "s")).isEqualTo("queued");
  }

  @Test
  void aHeartbeatThatLandsAfterTheSilenceKeepsTheLease() throws Exception {
    String id = heldJobWithAnExpiredLease();
    lastReapCall(Duration.ofSeconds(10));

    assertThat(store.reap(QUEUE, Micros.now(clock), 50, MAX_SILENCE_MS))
        .containsExactly(0, 0, 0, 0);
    store.heartbeat(QUEUE, "node-1", 60_000, List.of(held)).get();

    assertThat(store.reap(QUEUE, Micros.now(clock), 50, MAX_SILENCE_MS))
        .containsExactly(0, 0, 0, 0);
    assertThat(f.redis().hget(q.job(Long.parseLong(id)), "s")).isEqualTo("started");
  }

  /**
   * A Redis that restarted (or failed over, or ran a long script) refused the heartbeats meanwhile:
   * none is queued to land first, and live nodes renew only at their next beat. The calls of a
   * grace after the silence reap nothing either; a node that beats within it keeps its job, and a
   * dead one's is reaped once the grace is over. Before, the second call after the restart took
   * live nodes' jobs (run again, or dead with no attempt left).
   */
  @Test
  void callsWithinTheGraceAfterASilenceReapNothingAndALiveNodesBeatKeepsItsJob() {
    String live = heldJobWithAnExpiredLease();
    FetchedJob liveJob = held;
    String dead = heldJobWithAnExpiredLease();
    lastReapCall(Duration.ofSeconds(10));
    long grace = 60_000;

    assertThat(store.reap(QUEUE, Micros.now(clock), 50, MAX_SILENCE_MS, grace))
        .containsExactly(0, 0, 0, 0);
    assertThat(store.reap(QUEUE, Micros.now(clock), 50, MAX_SILENCE_MS, grace))
        .as("within the grace")
        .containsExactly(0, 0, 0, 0);
    store.heartbeat(QUEUE, "node-1", 60_000, List.of(liveJob)).join(); // the live node's next beat

    f.redis().pexpire(q.jobPrefix().replaceFirst("job:$", "reap-grace"), 1); // the grace is over
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> f.redis().exists(q.jobPrefix().replaceFirst("job:$", "reap-grace")) == 0);
    assertThat(store.reap(QUEUE, Micros.now(clock), 50, MAX_SILENCE_MS, grace))
        .containsExactly(1, 0, 0, 1);
    assertThat(f.redis().hget(q.job(Long.parseLong(live)), "s")).isEqualTo("started");
    assertThat(f.redis().hget(q.job(Long.parseLong(dead)), "s")).isEqualTo("queued");
  }

  @Test
  void regularCallsReapAnExpiredLeaseAtOnce() {
    String id = heldJobWithAnExpiredLease();
    lastReapCall(Duration.ofMillis(500));

    assertThat(store.reap(QUEUE, Micros.now(clock), 50, MAX_SILENCE_MS))
        .containsExactly(1, 0, 0, 1);
    assertThat(f.redis().hget(q.job(Long.parseLong(id)), "s")).isEqualTo("queued");
  }
}
