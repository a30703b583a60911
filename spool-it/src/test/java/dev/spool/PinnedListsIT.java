package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.internal.Micros;
import dev.spool.internal.queue.Enqueuer;
import dev.spool.internal.queue.FetchedJob;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.queue.Success;
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
 * The ready lists of pinned and avoiding jobs, at the store: routing releases non-strict jobs a
 * slice at a time without reading the strict ones, counts include every list, a node that leaves
 * jobs behind wakes the others, and a freed slot of a queue limit wakes a pinned job's node.
 */
class PinnedListsIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;
  RedisJobStore store;
  Keys.QueueKeys q;
  Enqueuer pinning;
  final Clock clock = Clock.systemUTC();

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    store = f.jobStore();
    q = f.queueKeys("work");
    // Takes every node for alive, so that jobs for nodes no worker runs here wait in their lists.
    pinning = new Enqueuer(store, f.connection(), clock, 1 << 20, Duration.ofMinutes(1));
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  /**
   * A preferring list of another type (garbage written behind Spool's back) is set aside by the
   * route call, which then finds nothing to move: it failed with WRONGTYPE at every pass before,
   * and the router's pass over the queue stopped at that name.
   */
  @Test
  void aPreferringListOfAnotherTypeIsSetAsideNotAnErrorAtEveryPass() {
    f.redis().set(q.readyPreferring("bad"), "garbage");
    f.redis().sadd(q.pinned(), "bad");

    assertThat(store.routeSlice("work", "bad", Micros.now(clock))).isZero();

    assertThat(f.redis().get(q.prefix() + "corrupt:ready:~bad")).isEqualTo("garbage");
    assertThat(f.redis().sismember(q.pinned(), "bad")).isFalse();
  }

  @Test
  void routingReleasesNonStrictJobsInSlicesAndLeavesStrictOnesForTheirNode() {
    JobOptions strict = JobOptions.builder().node("gone").strictNode(true).build();
    JobOptions loose = JobOptions.builder().node("gone").build();
    f.spool.enqueueAll(NOOP, Fixtures.noops(10), strict);
    int many = 2 * RedisJobStore.ROUTE_SLICE + 50;
    pinning.enqueueAll(NOOP, Fixtures.noops(many), loose);

    assertThat(f.redis().llen(q.readyOf("gone"))).isEqualTo(10);
    assertThat(f.redis().llen(q.readyPreferring("gone"))).isEqualTo(many);
    assertThat(store.routeSlice("work", "gone", Micros.now(Clock.systemUTC())))
        .isEqualTo(RedisJobStore.ROUTE_SLICE);
    // A route pass is bounded by its slices however many are left; the next goes on.
    assertThat(store.route("work", "gone", 1, Micros.now(Clock.systemUTC())))
        .isEqualTo(RedisJobStore.ROUTE_SLICE);
    assertThat(store.route("work", "gone", 10, Micros.now(Clock.systemUTC())))
        .isEqualTo(many - 2 * RedisJobStore.ROUTE_SLICE);

    assertThat(f.redis().llen(q.readyPreferring("gone"))).isZero();
    assertThat(f.redis().llen(q.readyOf("gone"))).isEqualTo(10);
    assertThat(f.redis().llen(q.ready())).isEqualTo(many);
    assertThat(f.redis().smembers(q.pinned())).containsExactly("gone");
    // Any node takes the released jobs; the strict ones wait for their node.
    assertThat(store.fetch("work", "other", Micros.now(clock), 60_000, 1000)).hasSize(many);
    List<FetchedJob> own = store.fetch("work", "gone", Micros.now(clock), 60_000, 1000);
    assertThat(own).hasSize(10);
  }

  @Test
  void aNodeTakesItsStrictJobsThenItsPreferredOnesBeforeAnyOther() {
    f.spool.enqueue(NOOP, new Fixtures.Noop(1));
    pinning.enqueueAll(
        NOOP, List.of(new Fixtures.Noop(2)), JobOptions.builder().node("n1").build());
    f.spool.enqueue(
        NOOP, new Fixtures.Noop(3), JobOptions.builder().node("n1").strictNode(true).build());

    List<FetchedJob> jobs = store.fetch("work", "n1", Micros.now(clock), 60_000, 3);

    assertThat(jobs).extracting(j -> j.id().number()).containsExactly(3L, 2L, 1L);
  }

  @Test
  void countsIncludeJobsPinnedToANodeAndJobsAvoidingOne() {
    f.spool.enqueueAll(NOOP, Fixtures.noops(2));
    pinning.enqueueAll(NOOP, Fixtures.noops(3), JobOptions.builder().node("n1").build());
    f.spool.enqueueAll(
        NOOP, Fixtures.noops(4), JobOptions.builder().node("n2").strictNode(true).build());
    f.spool.enqueueAll(NOOP, Fixtures.noops(5), JobOptions.builder().notNode("n3").build());

    assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(14);
  }

  @Test
  void aFetchThatLeavesJobsAvoidingANodeWakesAnotherNode() {
    f.spool.enqueueAll(NOOP, Fixtures.noops(3), JobOptions.builder().notNode("n3").build());
    f.redis().del(q.signal()); // as if an idle node had taken the enqueue's wake-up

    assertThat(store.fetch("work", "n1", Micros.now(clock), 60_000, 1)).hasSize(1);

    assertThat(f.redis().llen(q.signal())).isEqualTo(1);
  }

  @Test
  void aSlotFreedUnderAQueueLimitWakesTheNodeOfAPinnedJobOnItsOwnList() throws Exception {
    f.spool.queue("work").limitConcurrency(1);
    f.spool.enqueue(NOOP, new Fixtures.Noop(1));
    FetchedJob running = store.fetch("work", "n1", Micros.now(clock), 60_000, 1).getFirst();
    f.spool.enqueue(
        NOOP, new Fixtures.Noop(2), JobOptions.builder().node("n2").strictNode(true).build());
    // n2 woke for its job and found the queue full; another idle node holds the shared token.
    assertThat(store.fetch("work", "n2", Micros.now(clock), 60_000, 1)).isEmpty();
    f.redis().del(q.signalOf("n2"), q.signal());

    store.complete("work", "n1", List.of(new Success(running, "")), Micros.now(clock)).get();

    assertThat(f.redis().llen(q.signal())).isEqualTo(1);
    assertThat(f.redis().llen(q.signalOf("n2"))).isEqualTo(1);
    assertThat(f.redis().llen(q.signalOf("n1"))).as("no pinned jobs wait for n1").isZero();
    assertThat(store.fetch("work", "n2", Micros.now(clock), 60_000, 1)).hasSize(1);
  }
}
