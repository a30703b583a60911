package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.internal.Micros;
import dev.spool.internal.queue.Enqueuer;
import dev.spool.internal.queue.FetchedJobs;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.redis.Keys;
import dev.spool.testkit.SpoolRedis;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A fetch says whether it popped as many ids as it could; a node whose fetch ran its queue dry
 * waits for the next wake-up signal instead of asking again, and the next job still runs.
 */
class FetchDrainIT {
  /** A Redis of its own: a test reads its slow log, which every client's commands would fill. */
  @RegisterExtension static SpoolRedis redis = SpoolRedis.dedicated();

  Fixtures f;
  RedisJobStore store;
  Keys.QueueKeys q;
  final Clock clock = Clock.systemUTC();

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    store = f.jobStore();
    q = f.queueKeys("work");
  }

  @AfterEach
  void tearDown() {
    f.redis().configSet("slowlog-log-slower-than", "10000");
    f.close();
  }

  private FetchedJobs fetch(int max) {
    return store.fetchJobs("work", "n1", Micros.now(clock), 60_000, max);
  }

  @Test
  void aFetchSaysWhetherItTookAllItAskedFor() {
    f.spool.enqueueAll(NOOP, Fixtures.noops(5));

    FetchedJobs first = fetch(3);
    assertThat(first.jobs()).hasSize(3);
    assertThat(first.mayHaveMore()).isTrue();

    FetchedJobs rest = fetch(3);
    assertThat(rest.jobs()).hasSize(2);
    assertThat(rest.mayHaveMore()).isFalse();

    FetchedJobs none = fetch(3);
    assertThat(none.jobs()).isEmpty();
    assertThat(none.mayHaveMore()).isFalse();
  }

  @Test
  void jobsTakenButNotStartedStillLeaveMoreToAskFor() {
    // Queued an hour ago with a minute to live: the fetch takes them and discards them, unrun.
    Enqueuer anHourAgo =
        new Enqueuer(
            store,
            f.connection(),
            Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC),
            1 << 20,
            Duration.ofMinutes(1));
    anHourAgo.enqueueAll(
        NOOP, Fixtures.noops(3), JobOptions.builder().ttl(Duration.ofMinutes(1)).build());
    f.spool.enqueueAll(NOOP, Fixtures.noops(2));

    FetchedJobs expired = fetch(3);
    assertThat(expired.jobs()).isEmpty();
    assertThat(expired.mayHaveMore()).isTrue();

    FetchedJobs live = fetch(3);
    assertThat(live.jobs()).hasSize(2);
    assertThat(live.mayHaveMore()).isFalse();
  }

  @Test
  void aQueueAtItsConcurrencyLimitOrPausedLeavesNothingToAskForUntilItSignals() {
    f.spool.queue("work").limitConcurrency(2);
    f.spool.enqueueAll(NOOP, Fixtures.noops(5));

    FetchedJobs full = fetch(10); // as many as the limit lets start: the rest wait for a slot
    assertThat(full.jobs()).hasSize(2);
    assertThat(full.mayHaveMore()).isTrue();
    FetchedJobs none = fetch(10);
    assertThat(none.jobs()).isEmpty();
    assertThat(none.mayHaveMore()).isFalse();

    f.spool.queue("work").removeLimits();
    f.spool.queue("work").pause();
    FetchedJobs paused = fetch(10);
    assertThat(paused.jobs()).isEmpty();
    assertThat(paused.mayHaveMore()).isFalse();
    f.spool.queue("work").resume();
    assertThat(fetch(10).jobs()).hasSize(3);
  }

  @Test
  void anIdleNodeFetchesOnceForAJobThatComesAloneAndRunsTheNextJobToo() throws Exception {
    CountDownLatch ran = new CountDownLatch(2);
    Worker worker = f.worker("n1").handle(NOOP, (job, a) -> ran.countDown()).start();
    await().atMost(Duration.ofSeconds(20)).until(this::fetcherWaits);
    f.redis().configSet("slowlog-max-len", "10000"); // heartbeats and polls must not push it out
    f.redis().configSet("slowlog-log-slower-than", "0");
    f.redis().slowlogReset();

    f.spool.enqueue(NOOP, new Fixtures.Noop(1));
    await().atMost(Duration.ofSeconds(20)).until(() -> ran.getCount() == 1);
    await().atMost(Duration.ofSeconds(20)).until(this::fetcherWaits);
    // Counted from the enqueue on: an idle wait's 2 s bound may have run out just before it (the
    // node then fetches, finding nothing); the next one is 2 s after the job's fetch.
    assertThat(fetchCallsAfterTheEnqueue()).isEqualTo(1);

    f.spool.enqueue(NOOP, new Fixtures.Noop(2));
    assertThat(ran.await(20, TimeUnit.SECONDS)).isTrue();
    worker.close();
  }

  /** Whether a client is blocked in BLPOP: the node's fetcher, waiting for a wake-up signal. */
  private boolean fetcherWaits() {
    return f.redis().clientList().lines().anyMatch(l -> l.contains(" cmd=blpop") && blocked(l));
  }

  private static boolean blocked(String clientLine) {
    int at = clientLine.indexOf(" flags=");
    String flags = clientLine.substring(at + 7, clientLine.indexOf(' ', at + 1));
    return flags.contains("b");
  }

  /**
   * Fetch script calls in the slow log after the enqueue script's call: script calls whose first
   * key is the ready list, the enqueue's being the job number sequence.
   */
  private long fetchCallsAfterTheEnqueue() {
    List<List<?>> entries =
        f.redis().slowlogGet(10_000).stream()
            .<List<?>>map(entry -> (List<?>) entry)
            .sorted(Comparator.comparingLong(entry -> ((Number) entry.get(0)).longValue()))
            .toList();
    long fetches = 0;
    boolean enqueued = false;
    for (List<?> entry : entries) {
      List<?> args = (List<?>) entry.get(3);
      boolean script =
          args.size() > 3 && String.valueOf(args.get(0)).toUpperCase().startsWith("EVAL");
      if (script && q.seq().equals(String.valueOf(args.get(3)))) {
        enqueued = true;
      } else if (enqueued && script && q.ready().equals(String.valueOf(args.get(3)))) {
        fetches++;
      }
    }
    assertThat(enqueued).as("the enqueue is in the slow log").isTrue();
    return fetches;
  }
}
