package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.internal.Micros;
import dev.spool.internal.queue.FetchedJob;
import dev.spool.internal.queue.FetchedJobs;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.queue.Success;
import dev.spool.testkit.SpoolRedis;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * After a mass cancel of parked jobs, the head of a limit's park list is a long run of ids left
 * behind. A call that frees many slots of the limit at once (a node acknowledging a batch) walks at
 * most one look's worth of them (1 000 ids) between all its freed slots, not a look per slot (a
 * thousand acks once walked a million ids, seconds of Redis blocked); the slots it could not hand
 * on are filled by the fetches that follow, every one of them, and every job parked behind the run
 * still runs.
 */
class ParkLookBudgetIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  /** The ids of left-behind jobs all the looks of one call read between them (lib.lua). */
  static final int PARK_LOOK = 1_000;

  static final int LIMIT = 100;
  static final int LEFT_BEHIND = 5_000;
  static final int WAITING = 300;

  static final JobType<Noop> LIMITED =
      JobType.of("limited", Noop.class).withQueue("work").withConcurrencyLimit(LIMIT);

  final Clock clock = Clock.systemUTC();
  Fixtures f;
  RedisJobStore store;

  /** The jobs holding the limit's slots, leased by node n1. */
  List<FetchedJob> holders;

  /** The jobs parked behind the run of cancelled ones, in the order they were parked. */
  List<JobId> waiting;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    store = f.jobStore();
    f.spool.enqueueAll(LIMITED, Fixtures.noops(LIMIT));
    holders = fetch("n1").jobs();
    assertThat(holders).hasSize(LIMIT);

    List<Noop> more = new ArrayList<>();
    for (int i = LIMIT; i < LIMIT + LEFT_BEHIND + WAITING; i++) {
      more.add(new Noop(i));
    }
    List<JobId> parked = f.spool.enqueueAll(LIMITED, more);
    // Fetched over the limit: every one waits in the park list, in order.
    while (f.redis().llen(key("ready")) > 0) {
      assertThat(fetch("n1").jobs()).isEmpty();
    }
    assertThat(f.redis().llen(park())).isEqualTo(LEFT_BEHIND + WAITING);
    for (JobId id : parked.subList(0, LEFT_BEHIND)) {
      assertThat(f.spool.cancel(id)).isTrue();
    }
    waiting = parked.subList(LEFT_BEHIND, parked.size());
    assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(WAITING);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private String key(String name) {
    return f.namespace + ":{work}:" + name;
  }

  /** The limit's park list (the one limit of the queue, named in {q}:parks). */
  private String park() {
    Set<String> parks = f.redis().smembers(key("parks"));
    assertThat(parks).hasSize(1);
    return key("park:" + parks.iterator().next());
  }

  private FetchedJobs fetch(String node) {
    return store.fetchJobs("work", node, Micros.now(clock), 60_000, 1_000);
  }

  private void completeInOneCall(List<FetchedJob> jobs, String node) {
    List<Success> successes = jobs.stream().map(j -> new Success(j, "")).toList();
    assertThat(store.complete("work", node, successes, Micros.now(clock)).join())
        .isEqualTo(jobs.size());
  }

  private State state(JobId id) {
    return f.spool.statuses().find(id).orElseThrow().state();
  }

  @Test
  void aCallThatFreesManySlotsWalksOneLookOfLeftBehindIdsAndTheJobsBehindThemStillRun() {
    String park = park();
    long before = f.redis().llen(park);
    completeInOneCall(holders, "n1");
    long walked = before - f.redis().llen(park);
    long handed = f.redis().llen(key("ready"));

    // Before the budget: a look of 1 000 ids per freed slot, the whole run of 5 000 in this call.
    assertThat(walked - handed)
        .as("left-behind ids walked by one call")
        .isBetween(1L, 1L * PARK_LOOK);
    // The slots not handed on wait for the fetches, noted there.
    assertThat(f.redis().smembers(key("unpark"))).hasSize(1);

    Set<Integer> ran = ConcurrentHashMap.newKeySet();
    f.worker("node-1").concurrency(LIMIT).handle(LIMITED, (job, a) -> ran.add(a.n())).start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> waiting.stream().allMatch(id -> state(id) == State.SUCCEEDED));
    assertThat(ran)
        .isEqualTo(
            IntStream.range(LIMIT + LEFT_BEHIND, LIMIT + LEFT_BEHIND + WAITING)
                .boxed()
                .collect(Collectors.toSet()));
    assertThat(f.redis().llen(park)).isZero();
    assertThat(f.redis().exists(key("unpark"))).isZero();
    assertThat(f.redis().scard(key("gone"))).isZero();
    assertThat(f.spool.monitor().counts("work").ready()).isZero();
  }

  @Test
  void everySlotACallCouldNotHandOnIsFilledByTheFetchesThatFollowAndNoMore() {
    String park = park();
    completeInOneCall(holders, "n1");

    // No job ends meanwhile: the fetches that follow fill the slots the acks freed, one a call once
    // they are past the run, up to the limit and no further, with the jobs that waited longest.
    List<FetchedJob> running = new ArrayList<>();
    for (int call = 0; call < 400 && f.redis().exists(key("unpark")) > 0; call++) {
      long before = f.redis().llen(park);
      running.addAll(fetch("n2").jobs());
      assertThat(before - f.redis().llen(park))
          .as("ids one fetch took off the park list")
          .isLessThanOrEqualTo(PARK_LOOK);
    }
    assertThat(f.redis().exists(key("unpark"))).isZero();
    assertThat(ids(running)).containsExactlyElementsOf(waiting.subList(0, LIMIT));
    assertThat(f.redis().llen(park)).isEqualTo(WAITING - LIMIT);
    assertThat(fetch("n2").jobs()).isEmpty();

    // From then on each job that ends hands its slot on, as before the run.
    List<JobId> ran = ids(running);
    for (int round = 0; round < 10 && !running.isEmpty(); round++) {
      completeInOneCall(running, "n2");
      running = fetch("n2").jobs();
      assertThat(running).hasSizeLessThanOrEqualTo(LIMIT);
      ran.addAll(ids(running));
    }
    assertThat(ran).containsExactlyInAnyOrderElementsOf(waiting);
    assertThat(f.redis().llen(park)).isZero();
  }

  private static List<JobId> ids(List<FetchedJob> jobs) {
    return jobs.stream().map(FetchedJob::id).collect(Collectors.toCollection(ArrayList::new));
  }
}
