package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.internal.Micros;
import dev.spool.internal.queue.Failure;
import dev.spool.internal.queue.FetchedJob;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.queue.Success;
import dev.spool.internal.redis.Keys;
import dev.spool.internal.redis.RedisConnection;
import dev.spool.internal.redis.Script;
import dev.spool.internal.schedule.IndexSweep;
import dev.spool.internal.schedule.Pruner;
import dev.spool.internal.schedule.Reaper;
import dev.spool.internal.status.QueryStep;
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
 * millions of enqueues), then every hot or periodic script runs against it: each call's work, the
 * Redis commands it runs, stays within its batch's bound whatever the history holds, while the jobs
 * of a running worker keep their leases. Redis's own SLOWLOG tells how long the calls kept Redis
 * busy (about 1 ms; none 5 ms on a quiet machine); that figure is logged, not asserted: on a shared
 * CI box preemption alone puts calls over any such budget.
 */
class ProductionScaleIT {
  private static final Logger log = LoggerFactory.getLogger(ProductionScaleIT.class);
  private static final long BUDGET_MICROS = 5_000;
  private static final String QUEUE = "history";
  private static final String GONE = "gone-node";

  /** A job at an attempt the probe node never fetched: the heartbeat's work for a lost lease. */
  private static final FetchedJob NOT_HELD =
      new FetchedJob(new JobId(QUEUE, 1), "t", "{}", 2, 0, "", 0, "", "");

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
        if what == 'ready' then -- one id in ten has a job hash: fetch drops the others
          if id % 10 == 0 then status(id, 'queued', 'que') end
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
  void everyScriptCallsWorkIsBoundedByItsBatchAtProductionSizeAndRunningJobsKeepTheirLeases()
      throws Exception {
    // A worker holds four jobs of another queue for the whole test: their leases must survive.
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
    assertThat(r.llen(keys.queue(QUEUE).ready())).isGreaterThanOrEqualTo(1_000_000);

    RedisJobStore store =
        new RedisJobStore(connection, keys, Duration.ofDays(7), 10_000, Duration.ofDays(180), true);
    StatusStore statuses = new StatusStore(connection, keys, store.expirySeconds());
    Clock clock = Clock.systemUTC();
    for (Script script : Script.values()) {
      r.scriptLoad(script.source()); // every call is then an EVALSHA the log can name
    }
    r.configSet("slowlog-log-slower-than", Long.toString(BUDGET_MICROS));
    r.configSet("slowlog-max-len", "10000");
    r.slowlogReset();
    RedisWork work = new RedisWork(r);

    for (int round = 0; round < 5; round++) {
      List<FetchedJob> fetched =
          work.measure("fetch", () -> store.fetch(QUEUE, "probe", Micros.now(clock), 60_000, 128));
      List<Success> ok = new ArrayList<>();
      for (FetchedJob job : fetched) {
        ok.add(new Success(job, ""));
      }
      Success last = ok.removeLast();
      Failure dead = new Failure(last.job(), "{\"type\":\"Boom\"}", -1);
      work.measure("fail", () -> store.fail(QUEUE, "probe", dead, Micros.now(clock)).join());
      work.measure("complete", () -> store.complete(QUEUE, "probe", ok, Micros.now(clock)).join());
      work.measure("route", () -> store.routeSlice(QUEUE, GONE, Micros.now(Clock.systemUTC())));
      work.measure("stage", () -> store.stage(QUEUE, Micros.now(clock), 100));
      work.measure("counts", () -> store.counts(QUEUE));
      work.measure(
          "heartbeat",
          () -> store.heartbeat(QUEUE, "probe", clock.millis() + 60_000, List.of(NOT_HELD)).join());
      work.measure("reap", () -> store.reap(QUEUE, Micros.now(clock), Reaper.BATCH));
    }
    long cutoff = Micros.now(clock) - Duration.ofDays(7).toNanos() / 1000;
    long pruned = 0;
    long slice;
    do {
      slice = work.measure("prune", () -> statuses.prune(QUEUE, cutoff, Pruner.BATCH));
      pruned += slice;
    } while (slice == Pruner.BATCH);
    load(qp, "loose", 600_000, 649_999, now, "another-gone-node");
    long routed = 0;
    do {
      slice =
          work.measure(
              "route",
              () -> store.routeSlice(QUEUE, "another-gone-node", Micros.now(Clock.systemUTC())));
      routed += slice;
    } while (slice == RedisJobStore.ROUTE_SLICE);

    // Status queries over the whole history (about 20 000 buckets, mostly empty): counts, a
    // range, and a deep page, each as many bounded calls as it takes.
    long found = 0;
    List<List<String>> queries =
        List.of(
            List.of("1", "s", "1", "failed"),
            List.of("0"),
            List.of("2", "s", "2", "succeeded", "failed", "t", "3", "rec", "", Long.toString(old)),
            List.of("2", "s", "1", "queued", "a", "1", "nobody"));
    for (List<String> clauses : queries) {
      found += walk(work, "query", QUEUE, clauses, true, 0, 0, statuses);
    }
    assertThat(found).isGreaterThan(300_000); // the answers themselves: StatusQueryCursorIT
    int walkedCalls = work.calls.get("query");
    assertThat(
            walk(
                work,
                "query",
                QUEUE,
                List.of("1", "s", "1", "queued"),
                false,
                60_000,
                100,
                statuses))
        .isEqualTo(100);

    // The state was written without the bucket directory, as an older version leaves it: the
    // queries above walked every bucket number. The index sweep lists the buckets that hold
    // statuses, and the same queries then visit those alone.
    long swept = 0;
    do {
      slice =
          work.measure(
              "index-sweep",
              () -> statuses.sweepIndex(QUEUE, IndexSweep.BUCKETS, IndexSweep.PERIOD));
      swept += slice;
    } while (slice == IndexSweep.BUCKETS);
    assertThat(swept).isEqualTo(10_000_000 / 512 + 1);
    long foundListed = 0;
    for (List<String> clauses : queries) {
      foundListed += walk(work, "query-listed", QUEUE, clauses, true, 0, 0, statuses);
    }
    assertThat(foundListed).isEqualTo(found);
    assertThat(work.calls.get("query-listed")).isLessThan(walkedCalls / 3);

    // The Pruner's trim of a dead set ten times over its bound (100 000 against 10 000).
    long trimmed = 0;
    do {
      slice = work.measure("trim-dead", () -> store.trimDead(QUEUE, clock.millis(), Pruner.BATCH));
      trimmed += slice;
    } while (slice == Pruner.BATCH);
    assertThat(r.zcard(keys.queue(QUEUE).dead())).isEqualTo(10_000);
    assertThat(trimmed).isGreaterThanOrEqualTo(90_000);

    Map<String, List<Long>> slow = callsOverBudget(r);
    log.info(
        "Redis commands per script call, most per script: {}; calls per script: {}; mean µs per"
            + " call: {}; calls over 5 ms (SLOWLOG, µs): {}; pruned {}, routed {}",
        work.most,
        work.calls,
        work.meanMicros(),
        slow,
        pruned,
        routed);
    assertThat(pruned).isEqualTo(200_000);
    assertThat(routed).isEqualTo(50_000);
    // The work of each call is bounded by its batch, whatever the history holds.
    assertThat(work.most)
        .containsOnlyKeys(
            "fetch",
            "complete",
            "fail",
            "reap",
            "route",
            "prune",
            "trim-dead",
            "stage",
            "counts",
            "heartbeat",
            "query",
            "index-sweep",
            "query-listed")
        .allSatisfy(
            (script, commands) ->
                assertThat(commands).as(script).isLessThanOrEqualTo(commandBound(script)));
    // The busy node's jobs ran once each and are still leased to it.
    assertThat(runs).hasSize(4).allSatisfy((job, count) -> assertThat(count.get()).isEqualTo(1));
    Keys.QueueKeys busy = keys.queue(NOOP.queue());
    assertThat(r.zrange(busy.active(), 0, -1)).containsExactlyInAnyOrder("1", "2", "3", "4");
    for (int job = 1; job <= 4; job++) {
      assertThat(r.hmget(busy.job(job), "s", "w", "n"))
          .extracting(kv -> kv.getValueOrElse(null))
          .containsExactly("started", "busy", "0");
    }
  }

  /**
   * Runs a status query to its end, one measured script call at a time; returns what it counted
   * (count) or how many it listed (list).
   */
  private static long walk(
      RedisWork work,
      String name,
      String queue,
      List<String> clauses,
      boolean count,
      long offset,
      long limit,
      StatusStore statuses) {
    long below = QueryStep.FROM_NEWEST;
    long toSkip = offset;
    long total = 0;
    while (true) {
      long from = below;
      long skip = toSkip;
      long left = limit - total;
      QueryStep step =
          work.measure(name, () -> statuses.step(queue, clauses, count, from, skip, left));
      total += step.counted();
      toSkip -= step.skipped();
      if (step.exhausted() || (!count && total >= limit)) {
        return total;
      }
      below = step.cursor();
    }
  }

  private void load(String qp, String what, long from, long to, long atMicros) {
    load(qp, what, from, to, atMicros, GONE);
  }

  private void load(String qp, String what, long from, long to, long atMicros, String node) {
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
                  node,
                  "ready:~"));
    }
  }

  /** Commands one call may run: a constant plus a few dozen per job of its batch. */
  private static long commandBound(String script) {
    int batch =
        switch (script) {
          case "fetch" -> 128;
          case "complete" -> 127;
          case "reap" -> Reaper.BATCH;
          case "prune", "trim-dead" -> Pruner.BATCH;
          case "index-sweep" -> IndexSweep.BUCKETS / 30; // a command per bucket
          case "route" -> RedisJobStore.ROUTE_SLICE;
          case "stage" -> 100;
          case "fail" -> 21; // itself and up to 20 dead jobs past the bounds
          // Its work budget in commands (16 units each), and one bucket's reads past it.
          case "query", "query-listed" -> (int) (StatusStore.QUERY_WORK_PER_CALL / 16 / 30) + 1;
          default -> 1;
        };
    return 100 + 30L * batch;
  }

  /** The Spool script calls in the SLOWLOG (durations in µs), by script name. */
  private static Map<String, List<Long>> callsOverBudget(RedisCommands<String, String> r) {
    Map<String, String> bySha = new TreeMap<>();
    for (Script script : Script.values()) {
      bySha.put(script.sha(), script.fileName());
    }
    Map<String, List<Long>> slow = new TreeMap<>();
    for (Object entry : r.slowlogGet(10_000)) {
      List<?> fields = (List<?>) entry;
      List<?> command = (List<?>) fields.get(3);
      String name = String.valueOf(command.get(0)).toLowerCase();
      String script = bySha.get(String.valueOf(command.get(1)));
      if (name.equals("evalsha") && script != null) {
        slow.computeIfAbsent(script, k -> new ArrayList<>()).add((Long) fields.get(2));
      }
    }
    return slow;
  }
}
