package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.internal.Micros;
import dev.spool.internal.queue.FetchedJob;
import dev.spool.internal.queue.Failure;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.queue.Success;
import dev.spool.internal.redis.Keys;
import dev.spool.internal.redis.RedisConnection;
import dev.spool.internal.redis.Script;
import dev.spool.internal.schedule.Pruner;
import dev.spool.internal.schedule.Reaper;
import dev.spool.internal.status.StatusStore;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Day 300: a queue with a long history. The state is built cheaply with a bulk Lua loader (not
 * millions of enqueues), then every hot or periodic script runs against it, and Redis's own SLOWLOG
 * tells how long each call kept Redis busy: none may take 5 ms, whatever the history holds, while
 * the jobs of a running worker keep their leases.
 */
class ProductionScaleIT {
  private static final Logger log = LoggerFactory.getLogger(ProductionScaleIT.class);
  private static final long BUDGET_MICROS = 5_000;
  private static final String QUEUE = "work";
  private static final String GONE = "gone-node";

  /**
   * Writes one slice of synthetic state. ARGV[1] queue prefix, ARGV[2] what, ARGV[3] first id,
   * ARGV[4] last id, ARGV[5] a time (µs) for the statuses.
   */
  private static final String LOADER =
      """
      local qp, what, from, to, at = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
      local ms = math.floor(tonumber(at) / 1000)
      local function status(id, state, field, extra)
        local key = qp .. 'job:' .. id
        redis.call('HSET', key, 't', 'noop', 'a', '{"n":0}', 's', state, 'n', 0, 'rec', at, field, at)
        if extra then redis.call('HSET', key, unpack(extra)) end
        local b = math.floor(id / 512)
        redis.call('SADD', qp .. 'ix:s:' .. state .. ':' .. b, id)
        redis.call('HSET', qp .. 'ix:t:' .. b, field .. '0', at, field .. '1', at, 'rec0', at, 'rec1', at)
      end
      local chunk = {}
      local function flush(cmd, key)
        if #chunk > 0 then redis.call(cmd, key, unpack(chunk)); chunk = {} end
      end
      for id = from, to do
        if what == 'ready' then
          chunk[#chunk + 1] = id
          if #chunk == 5000 then flush('RPUSH', qp .. 'ready') end
        elseif what == 'dead' then
          status(id, 'failed', 'fai')
          redis.call('ZADD', qp .. 'dead', ms, id)
        elseif what == 'finished' then
          status(id, 'succeeded', 'suc')
          redis.call('ZADD', qp .. 'finished', at, id)
        elseif what == 'strict' then
          status(id, 'queued', 'que', {'an', ARGV[6], 'as', '1'})
          redis.call('RPUSH', qp .. 'ready:@' .. ARGV[6], id)
        elseif what == 'loose' then
          status(id, 'queued', 'que', {'an', ARGV[6]})
          redis.call('RPUSH', qp .. ARGV[7] .. ARGV[6], id)
        elseif what == 'abandoned' then
          status(id, 'started', 'sta', {'w', 'crashed-node'})
          redis.call('ZADD', qp .. 'active', 1, id)
        elseif what == 'due' then
          status(id, 'scheduled', 'sch', {'due', ms})
          redis.call('ZADD', qp .. 'delayed', ms, id)
        end
      end
      flush('RPUSH', qp .. 'ready')
      redis.call('SADD', qp .. 'pinned', ARGV[6] or 'none')
      return to - from + 1
      """;

  SpoolRedis redis;
  Fixtures f;
  RedisConnection connection;

  @BeforeEach
  void setUp() {
    redis = SpoolRedis.dedicated();
    f = new Fixtures(redis.uri());
    f.redis().configSet("appendonly", "no");
    f.redis().configSet("save", "");
    connection = RedisConnection.open(redis.uri(), Duration.ofSeconds(30));
  }

  @AfterEach
  void tearDown() {
    connection.close();
    f.close();
    redis.close();
  }

  @Test
  void noScriptCallBlocksRedisFor5msAtProductionSizeAndRunningJobsKeepTheirLeases()
      throws Exception {
    // A worker holds four jobs for the whole test: their leases must survive.
    Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
    CountDownLatch held = new CountDownLatch(4);
    f.spool.enqueueAll(NOOP, Fixtures.noops(4));
    f.spool
        .worker("busy")
        .lease(Duration.ofSeconds(10))
        .concurrency(4)
        .handle(
            NOOP,
            (job, a) -> {
              runs.computeIfAbsent(a.n(), k -> new AtomicInteger()).incrementAndGet();
              held.countDown();
              Fixtures.untilInterrupted();
            })
        .start();
    assertThat(held.await(20, TimeUnit.SECONDS)).isTrue();

    Keys keys = new Keys(f.namespace);
    String qp = keys.queue(QUEUE).prefix();
    long old = Micros.now(Clock.systemUTC()) - Duration.ofDays(30).toNanos() / 1000;
    long now = Micros.now(Clock.systemUTC());
    RedisCommands<String, String> r = f.redis();
    r.set(keys.queue(QUEUE).seq(), "10000000");
    load(qp, "dead", 1_000, 100_999, old);
    load(qp, "finished", 200_000, 399_999, old);
    load(qp, "strict", 400_000, 449_999, now);
    load(qp, "loose", 450_000, 499_999, now);
    load(qp, "abandoned", 500_000, 500_999, now);
    load(qp, "due", 501_000, 501_999, now - 1_000_000);
    load(qp, "ready", 9_000_001, 10_000_000, now);
    assertThat(r.llen(keys.queue(QUEUE).ready())).isEqualTo(1_000_000);

    RedisJobStore store =
        new RedisJobStore(connection, keys, Duration.ofDays(7), 10_000, Duration.ofDays(180));
    StatusStore statuses = new StatusStore(connection, keys, store.expirySeconds());
    Clock clock = Clock.systemUTC();
    for (Script script : Script.values()) {
      r.scriptLoad(script.source()); // every call is then an EVALSHA the log can name
    }
    r.configSet("slowlog-log-slower-than", "0");
    r.configSet("slowlog-max-len", "1000000");
    r.slowlogReset();
    Map<String, Long> slowest = new TreeMap<>();

    for (int round = 0; round < 3; round++) {
      List<FetchedJob> fetched =
          store.fetch(QUEUE, "probe", Micros.now(clock), Micros.now(clock) / 1000 + 60_000, 128);
      List<Success> ok = new ArrayList<>();
      for (FetchedJob job : fetched) {
        ok.add(new Success(job.id().number(), job.attempt(), ""));
      }
      if (!ok.isEmpty()) {
        Success last = ok.removeLast();
        store
            .fail(
                QUEUE,
                "probe",
                new Failure(last.number(), last.attempt(), "{\"type\":\"Boom\"}", Failure.DEAD),
                Micros.now(clock))
            .get(10, TimeUnit.SECONDS);
      }
      store.complete(QUEUE, "probe", ok, Micros.now(clock)).get(10, TimeUnit.SECONDS);
      store.route(QUEUE, GONE);
      store.stage(QUEUE, Micros.now(clock), 100);
      store.counts(QUEUE);
      store.heartbeat(QUEUE, "probe", clock.millis() + 60_000, new long[] {1, 2, 3});
      new Reaper(store, List.of(QUEUE), clock).runOnce();
      collectSlowestCalls(r, slowest);
    }
    long pruned = new Pruner(statuses, List.of(QUEUE), clock, Duration.ofDays(7)).runOnce();
    collectSlowestCalls(r, slowest);

    log.info("slowest call per script (µs): {}; pruned {}", slowest, pruned);
    assertThat(pruned).isEqualTo(200_000);
    assertThat(slowest)
        .containsKeys("fetch", "complete", "fail", "reap", "route", "prune", "stage", "counts")
        .allSatisfy((script, micros) -> assertThat(micros).as(script).isLessThan(BUDGET_MICROS));

    // The busy node's jobs ran once each and are still leased to it.
    assertThat(runs).hasSize(4).allSatisfy((n, count) -> assertThat(count.get()).isEqualTo(1));
    List<String> active = r.zrange(keys.queue(QUEUE).active(), 0, -1);
    for (int n = 1; n <= 4; n++) {
      assertThat(active).contains(Integer.toString(n));
      assertThat(r.hget(keys.queue(QUEUE).job(n), "w")).isEqualTo("busy");
    }
  }

  private void load(String qp, String what, long from, long to, long atMicros) {
    for (long start = from; start <= to; start += 20_000) {
      long end = Math.min(to, start + 19_999);
      connection.await(
          connection
              .async()
              .eval(
                  LOADER,
                  ScriptOutputType.INTEGER,
                  new String[0],
                  qp,
                  what,
                  Long.toString(start),
                  Long.toString(end),
                  Long.toString(atMicros),
                  GONE,
                  "ready:~"));
    }
  }

  /**
   * Adds the longest call of each Spool script in the SLOWLOG to {@code slowest} (by script name),
   * then empties the log (Redis 6.2 logs the commands a script calls too, so it fills quickly).
   */
  private static void collectSlowestCalls(
      RedisCommands<String, String> r, Map<String, Long> slowest) {
    Map<String, String> bySha = new TreeMap<>();
    for (Script script : Script.values()) {
      bySha.put(script.sha(), script.fileName());
    }
    for (Object entry : r.slowlogGet(1_000_000)) {
      List<?> fields = (List<?>) entry;
      long micros = (Long) fields.get(2);
      List<?> command = (List<?>) fields.get(3);
      String name = String.valueOf(command.get(0)).toLowerCase();
      if (name.equals("evalsha") && bySha.containsKey(String.valueOf(command.get(1)))) {
        slowest.merge(bySha.get(String.valueOf(command.get(1))), micros, Math::max);
      }
    }
    r.slowlogReset();
  }
}
