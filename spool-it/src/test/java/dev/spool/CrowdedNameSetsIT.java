package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.Fixtures.Noop;
import dev.spool.internal.Micros;
import dev.spool.internal.queue.FetchedJob;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.queue.Success;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sets of names that grow with use, not with the work of a call: the nodes jobs are pinned to
 * (strict jobs of a node that never returns keep its name), the nodes jobs avoid (named by the
 * jobs' options), the holders of a large concurrency limit. A call visits a sample of them, never
 * all: its work, the Redis commands it runs, stays bounded however many there are.
 */
class CrowdedNameSetsIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final JobType<Noop> WIDE =
      JobType.of("wide", Noop.class).withQueue("work").withConcurrencyLimit(2_000);

  Fixtures f;
  RedisCommands<String, String> r;
  RedisJobStore store;
  String qp;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    r = f.redis();
    store = f.jobStore();
    qp = f.namespace + ":{work}:";
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  static long now() {
    return Micros.now(Clock.systemUTC());
  }

  /** Runs `lua` once with the queue prefix as ARGV[1] (its keys all derive from it). */
  void write(String lua) {
    r.eval(lua, ScriptOutputType.INTEGER, new String[0], qp);
  }

  /**
   * A limited queue wakes its idle nodes at every stop of a job: the shared list and nodes with
   * pinned jobs waiting. With 2 000 names of nodes gone for good, each holding a strict job, a
   * completion read every one of their lists (two LLENs each) and woke every one.
   */
  @Test
  void aStopInALimitedQueueWakesASampleOfThePinnedNodesNotEveryOne() {
    f.spool.queue("work").limitConcurrency(5);
    write(
        """
        for i = 1, 2000 do
          redis.call('RPUSH', ARGV[1] .. 'ready:@gone-' .. i, 'x' .. i)
          redis.call('SADD', ARGV[1] .. 'pinned', 'gone-' .. i)
        end
        return 0
        """);
    f.spool.enqueue(NOOP, new Noop(1));
    List<FetchedJob> fetched = store.fetch("work", "node-1", now(), 60_000, 1);
    assertThat(fetched).hasSize(1);

    RedisWork work = new RedisWork(r);
    work.measure(
        "complete",
        () ->
            store
                .complete("work", "node-1", List.of(new Success(fetched.getFirst(), "")), now())
                .join());

    assertThat(work.most.get("complete")).isLessThan(600L);
    assertThat(f.spool.statuses().findOrUnknown(fetched.getFirst().id()).state())
        .isEqualTo(State.SUCCEEDED);
  }

  /**
   * A resume, rare, still wakes every node with pinned jobs waiting (docs/flow-control.md: the
   * waiting jobs start at once), not a sample as a job's stop does.
   */
  @Test
  void aResumeWakesEveryNodeWithPinnedJobsWaiting() {
    f.spool.queue("work").pause();
    write(
        """
        for i = 1, 200 do
          redis.call('RPUSH', ARGV[1] .. 'ready:@n-' .. i, 'x' .. i)
          redis.call('SADD', ARGV[1] .. 'pinned', 'n-' .. i)
        end
        return 0
        """);

    f.spool.queue("work").resume();

    long woken = 0;
    for (int i = 1; i <= 200; i++) {
      woken += f.redis().llen(qp + "signal:@n-" + i) > 0 ? 1 : 0;
    }
    assertThat(woken).isEqualTo(200);
  }

  /**
   * A drain visits a sample of the avoided nodes' lists a call (as many as park lists), and says
   * more is left while names are: 300 names, one job each, drained in calls of at most 100.
   */
  @Test
  void aDrainVisitsABoundedNumberOfAvoidedNodesACallAndStillTakesEveryJob() {
    for (int i = 0; i < 300; i++) {
      f.spool.enqueue(NOOP, new Noop(i), JobOptions.builder().notNode("n-" + i).build());
    }
    assertThat(r.scard(qp + "avoid")).isEqualTo(300);

    assertThat(drainInCallsOfAtMost100()).isEqualTo(300);
    assertThat(r.scard(qp + "avoid")).isZero();
    assertThat(f.spool.statuses().where(State.KILLED).count()).isEqualTo(300);
  }

  /**
   * The same for the nodes jobs are pinned to (strictly: a job preferring a node no worker runs is
   * enqueued to the shared list): every one drained, no call over its bound.
   */
  @Test
  void aDrainVisitsABoundedNumberOfPinnedNodesACallAndStillTakesEveryJob() {
    for (int i = 0; i < 300; i++) {
      JobOptions pinned = JobOptions.builder().node("n-" + i).strictNode(true).build();
      f.spool.enqueue(NOOP, new Noop(i), pinned);
    }
    assertThat(r.scard(qp + "pinned")).isEqualTo(300);

    assertThat(drainInCallsOfAtMost100()).isEqualTo(300);
    assertThat(r.scard(qp + "pinned")).isZero();
  }

  /** Drains the queue a call at a time, each call taking at most 100 jobs; returns how many. */
  private long drainInCallsOfAtMost100() {
    long drained = 0;
    int calls = 0;
    long[] slice;
    do {
      slice = store.drainSlice("work", now(), false);
      assertThat(slice[0]).as("jobs drained by one call").isLessThanOrEqualTo(100);
      drained += slice[0];
      calls++;
    } while (slice[2] == 1 && calls < 50);
    return drained;
  }

  /**
   * A fetch that finds a concurrency limit full checks whether its holders still hold leases (one
   * that does not freed its slot): a sample of them, not all 2 000 of a large limit each time.
   */
  @Test
  void aFetchMeetingAFullLargeLimitChecksASampleOfItsHolders() {
    JobId id = f.spool.enqueue(WIDE, new Noop(1));
    String name = r.hget(f.jobKey(id), "lc").split("\\|", 2)[1];
    write(
        """
        for i = 1, 2000 do redis.call('SADD', ARGV[1] .. 'conc:%s', 'stale-' .. i) end
        return 0
        """
            .formatted(name));

    RedisWork work = new RedisWork(r);
    List<FetchedJob> fetched =
        work.measure("fetch", () -> store.fetch("work", "node-1", now(), 60_000, 1));

    // The stale holders of the sample freed their slots: the job started.
    assertThat(fetched).extracting(FetchedJob::id).containsExactly(id);
    assertThat(work.most.get("fetch")).isLessThan(600L);
    assertThat(r.scard(qp + "conc:" + name)).isGreaterThan(1_500L);
  }
}
