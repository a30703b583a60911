package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.internal.Micros;
import dev.spool.internal.queue.Failure;
import dev.spool.internal.queue.FailureRecorded;
import dev.spool.internal.queue.FetchedJob;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.queue.Success;
import dev.spool.internal.redis.Keys;
import dev.spool.internal.status.StatusStore;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis at {@code maxmemory} with {@code noeviction}: Spool takes no new work and reaps no lease
 * (heartbeats cannot be written there either), but a node still records the outcomes of the jobs it
 * holds, which frees memory. No script half-applies.
 */
class MaxmemoryIT {
  private static final String QUEUE = "work";

  SpoolRedis redis;
  Fixtures f;
  RedisJobStore store;
  Keys.QueueKeys q;
  final Clock clock = Clock.systemUTC();

  @BeforeEach
  void setUp() {
    redis = SpoolRedis.dedicated();
    f = new Fixtures(redis.uri());
    store = f.jobStore();
    q = f.queueKeys(QUEUE);
  }

  @AfterEach
  void tearDown() {
    f.close();
    redis.close();
  }

  /** Puts Redis over its maxmemory: a write that may grow memory is refused from now on. */
  private static void overMaxmemory(RedisCommands<String, String> r) {
    long used = Long.parseLong(info(r, "used_memory"));
    r.configSet("maxmemory-policy", "noeviction");
    r.configSet("maxmemory", Long.toString(used / 2));
    assertThatThrownBy(() -> r.set("junk", "x"))
        .isInstanceOf(RedisCommandExecutionException.class)
        .hasMessageStartingWith("OOM");
  }

  private static String info(RedisCommands<String, String> r, String field) {
    return r.info("memory")
        .lines()
        .filter(l -> l.startsWith(field + ":"))
        .findFirst()
        .orElseThrow()
        .substring(field.length() + 1)
        .trim();
  }

  @Test
  void atMaxmemoryNoWorkIsTakenNoLeaseIsReapedAndHeldJobsStillEnd() {
    f.spool.enqueueAll(NOOP, Fixtures.noops(3));
    List<FetchedJob> held = store.fetch(QUEUE, "node-1", Micros.now(clock), 60_000, 2);
    assertThat(held).hasSize(2);
    FetchedJob succeeding = held.get(0);
    FetchedJob dying = held.get(1);
    // As if the heartbeats had been refused for longer than the lease.
    var r = f.redis();
    r.zadd(q.active(), 1, Long.toString(dying.id().number()));
    overMaxmemory(r);

    assertThatThrownBy(() -> store.reap(QUEUE, Micros.now(clock), 50))
        .isInstanceOf(RedisOutOfMemoryException.class);
    assertThat(r.hget(q.job(dying.id().number()), "s")).isEqualTo("started");
    assertThat(r.zscore(q.active(), Long.toString(dying.id().number()))).isEqualTo(1.0);

    assertThatThrownBy(() -> store.fetch(QUEUE, "node-2", Micros.now(clock), 60_000, 10))
        .isInstanceOf(RedisOutOfMemoryException.class);
    assertThat(r.llen(q.ready())).isEqualTo(1);
    assertThat(r.zcard(q.active())).isEqualTo(2);

    Success ok = new Success(succeeding, "{\"done\":true}");
    assertThat(store.complete(QUEUE, "node-1", List.of(ok), Micros.now(clock)).join()).isEqualTo(1);
    Failure dead = new Failure(dying, "{\"type\":\"Boom\"}", Failure.DEAD);
    assertThat(store.fail(QUEUE, "node-1", dead, Micros.now(clock)).join())
        .isEqualTo(FailureRecorded.DEAD);
    assertThat(r.hget(q.job(succeeding.id().number()), "s")).isEqualTo("succeeded");
    assertThat(r.hget(q.job(dying.id().number()), "s")).isEqualTo("failed");
    assertThat(r.zcard(q.active())).isZero();
    assertThat(r.zcard(q.dead())).isEqualTo(1);

    // Memory back: work is taken again.
    r.configSet("maxmemory", "0");
    assertThat(store.fetch(QUEUE, "node-2", Micros.now(clock), 60_000, 10)).hasSize(1);
  }

  @Test
  void theIndexSweepWaitsAtMaxmemoryAndLeavesTheDirectoryAsItIs() {
    f.spool.enqueueAll(NOOP, Fixtures.noops(1_500)); // buckets 0 to 2
    StatusStore statuses = new StatusStore(f.connection(), new Keys(f.namespace), 3600);
    Keys.QueueKeys noop = new Keys(f.namespace).queue(NOOP.queue());
    var r = f.redis();
    List<String> listed = r.zrange(noop.prefix() + "ix:dir", 0, -1);
    assertThat(listed).containsExactly("0", "1", "2");
    overMaxmemory(r);

    assertThat(statuses.sweepIndex(NOOP.queue(), 32, Duration.ofHours(1))).isZero();
    assertThat(r.zrange(noop.prefix() + "ix:dir", 0, -1)).isEqualTo(listed);
    assertThat(r.exists(noop.prefix() + "corrupt:ix:dir")).isZero();

    r.configSet("maxmemory", "0");
    assertThat(statuses.sweepIndex(NOOP.queue(), 32, Duration.ofHours(1))).isEqualTo(3);
    assertThat(r.zrange(noop.prefix() + "ix:dir", 0, -1)).isEqualTo(listed);
  }
}
