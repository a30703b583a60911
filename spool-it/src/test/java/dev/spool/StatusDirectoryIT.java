package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.redis.Keys;
import dev.spool.internal.redis.RedisConnection;
import dev.spool.internal.status.QueryStep;
import dev.spool.internal.status.StatusStore;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The directory of status buckets ({@code {q}:ix:dir}): queries visit the buckets that hold
 * statuses, so their cost follows what a queue holds, not the highest number it ever issued; a
 * bucket joins with its first status and leaves with its last; the index sweep makes a queue from
 * before the directory trusted, and repairs what was written behind the directory's back.
 */
class StatusDirectoryIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  private static final List<String> ALL = List.of("0");

  Fixtures f;
  RedisConnection connection;
  Keys keys;
  StatusStore store;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    connection = RedisConnection.open(redis.uri(), Duration.ofSeconds(10));
    keys = new Keys(f.namespace);
    store = new StatusStore(connection, keys, RedisJobStore.expirySeconds(Duration.ofDays(7)));
  }

  @AfterEach
  void tearDown() {
    connection.close();
    f.close();
  }

  private String key(String queue, String suffix) {
    return keys.queue(queue).prefix() + suffix;
  }

  /** Makes a status in each of `buckets` consecutive buckets, from the next free number. */
  private List<JobId> spread(String queue, int buckets) {
    List<JobId> made = new ArrayList<>();
    for (int i = 0; i < buckets; i++) {
      JobId id = f.spool.statuses().create(queue).id();
      made.add(id);
      f.redis().set(keys.queue(queue).seq(), Long.toString((id.number() / 512 + 1) * 512));
    }
    return made;
  }

  private static TreeSet<Long> bucketsOf(List<JobId> ids) {
    TreeSet<Long> buckets = new TreeSet<>();
    ids.forEach(id -> buckets.add(id.number() / 512));
    return buckets;
  }

  private TreeSet<Long> listed(String queue) {
    TreeSet<Long> buckets = new TreeSet<>();
    f.redis().zrange(key(queue, "ix:dir"), 0, -1).forEach(b -> buckets.add(Long.parseLong(b)));
    return buckets;
  }

  /** Counts every status of the queue; returns {count, script calls it took}. */
  private long[] countAll(String queue) {
    long below = QueryStep.FROM_NEWEST;
    long counted = 0;
    long calls = 0;
    while (true) {
      QueryStep step = store.step(queue, ALL, true, below, 0, 0);
      calls++;
      counted += step.counted();
      if (step.exhausted()) {
        return new long[] {counted, calls};
      }
      below = step.cursor();
    }
  }

  private List<JobId> newestFirst(List<JobId> ids) {
    return ids.stream().sorted(Comparator.comparingLong(JobId::number).reversed()).toList();
  }

  private List<JobId> listAll(String queue) {
    return f.spool.statuses().all().queue(queue).limit(10_000).list().stream()
        .map(JobStatus::id)
        .toList();
  }

  /** Sweeps the queue's buckets to the end, `per` at a time; returns the calls it took. */
  private int sweep(String queue, int per) {
    int calls = 0;
    while (store.sweepIndex(queue, per, Duration.ofHours(1)) == per) {
      calls++;
    }
    return calls + 1;
  }

  @Test
  void queriesCostWhatTheQueueHoldsNotTheNumbersItIssued() {
    List<JobId> made = new ArrayList<>(spread("deep", 1));
    // 50 M numbers issued before these: about 100 000 buckets, all empty.
    f.redis().set(keys.queue("deep").seq(), "50000000");
    made.addAll(spread("deep", 100));

    assertThat(listed("deep")).isEqualTo(bucketsOf(made));
    long[] count = countAll("deep");
    assertThat(count[0]).isEqualTo(101);
    // 101 buckets over two directory pages: a few calls. Every bucket number down to 0 would take
    // over a thousand.
    assertThat(count[1]).isLessThanOrEqualTo(5);
    assertThat(listAll("deep")).isEqualTo(newestFirst(made));
    assertThat(f.spool.statuses().where(State.UNQUEUED).queue("deep").offset(70).limit(3).list())
        .extracting(JobStatus::id)
        .isEqualTo(newestFirst(made).subList(70, 73));
  }

  @Test
  void aBucketLeavesTheDirectoryWithItsLastStatusAndJoinsAgainWithANewOne() {
    List<JobId> made = spread("work", 3);
    f.redis().set(keys.queue("work").seq(), Long.toString(made.getLast().number()));
    JobId second = f.spool.statuses().create("work").id(); // in bucket 2, with the third
    assertThat(listed("work")).containsExactly(0L, 1L, 2L);

    f.spool.statuses().find(made.get(1)).orElseThrow().failed().delete();
    assertThat(listed("work")).containsExactly(0L, 2L);
    assertThat(f.redis().exists(key("work", "ix:t:1"))).isZero();
    f.spool.statuses().find(made.get(2)).orElseThrow().failed().delete();
    assertThat(listed("work")).containsExactly(0L, 2L); // `second` is still in bucket 2
    f.spool.statuses().find(second).orElseThrow().failed().delete();
    assertThat(listed("work")).containsExactly(0L);

    JobId again = f.spool.statuses().create("work").id();
    assertThat(again.number() / 512).isEqualTo(2);
    assertThat(listed("work")).containsExactly(0L, 2L);
    assertThat(listAll("work")).containsExactly(again, made.getFirst());
  }

  /** As if a sweep of the queue had just ended: none is due for an hour. */
  private void justSwept(String queue) {
    List<String> time = f.redis().time();
    long ms = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
    f.redis().set(key(queue, "ix:dir:swept"), Long.toString(ms));
  }

  @Test
  void jobsDeletedAsTheySucceedTakeTheirBucketsOffTheDirectory() {
    justSwept(NOOP.queue());
    try (Spool lean =
        Spool.builder().redis(redis.uri()).namespace(f.namespace).keepSucceeded(false).build()) {
      lean.enqueueAll(NOOP, Fixtures.noops(2_000)); // numbers 1 to 2 000: buckets 0 to 3
      lean.worker("node-1").handle(NOOP, (job, a) -> {}).start();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> lean.monitor().counts(NOOP.queue()).completed() == 2_000);
      // The newest bucket still takes new jobs: it stays listed.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(listed(NOOP.queue())).containsExactly(3L));
      assertThat(countAll(NOOP.queue())[0]).isZero();

      // Jobs one at a time across a bucket boundary, each done before the next is enqueued:
      // bucket 3 empties while it is the newest, and leaves when bucket 4 gets its first job.
      f.redis().set(keys.queue(NOOP.queue()).seq(), "2046");
      for (int n = 0; n < 3; n++) {
        JobId id = lean.enqueue(NOOP, new Noop(n));
        await().atMost(Duration.ofSeconds(10)).until(() -> lean.statuses().find(id).isEmpty());
      }
      assertThat(listed(NOOP.queue())).containsExactly(4L);
    }
  }

  @Test
  void aBucketThatIsNoLongerTheNewestIsCheckedOnceTheNextIsListed() {
    List<JobId> made = spread("work", 2);
    justSwept("work");
    // Bucket 1 emptied behind its back while it was the newest (as complete spares the newest).
    f.redis().del(key("work", "ix:s:unqueued:1"));
    assertThat(listed("work")).containsExactly(0L, 1L);
    JobId next = f.spool.statuses().create("work").id(); // bucket 2's first status
    assertThat(next.number() / 512).isEqualTo(2);
    assertThat(listed("work")).containsExactly(0L, 2L);
    assertThat(f.redis().exists(key("work", "ix:t:1"))).isZero();
    assertThat(listAll("work")).containsExactly(next, made.getFirst());
  }

  @Test
  void aQueueFromBeforeTheDirectoryIsAnsweredRightWhileTheSweepMakesItTrusted() {
    List<JobId> made = new ArrayList<>(spread("old", 40));
    f.redis().set(keys.queue("old").seq(), "200000"); // up to bucket 390, mostly empty
    made.addAll(spread("old", 30));
    // As an older version left it: no directory, no listed flags.
    f.redis().del(key("old", "ix:dir"), key("old", "ix:dir:low"));
    for (long b : bucketsOf(made)) {
      f.redis().hdel(key("old", "ix:t:" + b), "d");
    }
    assertThat(countAll("old")[0]).isEqualTo(70);

    // One slice at a time: right answers at every point, the walk below, the directory above.
    int steps = 0;
    while (store.sweepIndex("old", 64, Duration.ofHours(1)) == 64) {
      steps++;
      assertThat(countAll("old")[0]).as("after %d slices", steps).isEqualTo(70);
      assertThat(f.redis().get(key("old", "ix:dir:low"))).isNotNull();
    }
    assertThat(steps).isGreaterThan(3);
    assertThat(f.redis().get(key("old", "ix:dir:low"))).isEqualTo("0");
    assertThat(listed("old")).isEqualTo(bucketsOf(made));
    assertThat(listAll("old")).isEqualTo(newestFirst(made));
    assertThat(store.sweepIndex("old", 64, Duration.ofHours(1))).as("not due yet").isZero();
  }

  @Test
  void theNextSweepRepairsWhatWasWrittenBehindTheDirectorysBack() {
    List<JobId> made = spread("work", 5);
    sweep("work", 256);
    // An older node made a status in bucket 7 (it never lists buckets); a hand listed bucket 6.
    f.redis().set(keys.queue("work").seq(), Long.toString(7 * 512 + 10));
    JobId unlisted = f.spool.statuses().create("work").id();
    f.redis().zrem(key("work", "ix:dir"), "7");
    f.redis().hdel(key("work", "ix:t:7"), "d");
    f.redis().zadd(key("work", "ix:dir"), 6, "6");
    assertThat(countAll("work")[0]).isEqualTo(5);
    assertThat(store.sweepIndex("work", 256, Duration.ofHours(1))).as("not due yet").isZero();

    f.redis().del(key("work", "ix:dir:swept")); // an hour later
    sweep("work", 256);
    TreeSet<Long> expected = bucketsOf(made);
    expected.add(7L);
    assertThat(listed("work")).isEqualTo(expected);
    assertThat(countAll("work")[0]).isEqualTo(6);
    assertThat(listAll("work").getFirst()).isEqualTo(unlisted);
  }

  @Test
  void aSweepCursorOrEndTimeWrittenByAHandStartsASweepFromTheNewestBucket() {
    List<JobId> made = spread("work", 6);
    for (String scan : List.of("-3", "99999", "x")) {
      f.redis().zrem(key("work", "ix:dir"), "5"); // missed, behind the directory's back
      f.redis().set(key("work", "ix:dir:scan"), scan);
      f.redis().del(key("work", "ix:dir:swept")); // a sweep is due
      sweep("work", 2);
      assertThat(listed("work")).as("cursor %s", scan).isEqualTo(bucketsOf(made));
    }
    f.redis().zrem(key("work", "ix:dir"), "5");
    f.redis().set(key("work", "ix:dir:swept"), "99999999999999"); // a time yet to come
    sweep("work", 2);
    assertThat(listed("work")).isEqualTo(bucketsOf(made));
  }

  @Test
  void aSweepThatFindsTheDirectoryOfAnotherTypeStartsAfreshFromTheNewestBucket() {
    List<JobId> made = spread("work", 6);
    f.redis().del(key("work", "ix:dir:swept"));
    assertThat(store.sweepIndex("work", 2, Duration.ofHours(1))).isEqualTo(2); // buckets 6 and 5
    f.redis().del(key("work", "ix:dir"));
    f.redis().set(key("work", "ix:dir"), "garbage");

    sweep("work", 2);
    assertThat(f.redis().get(key("work", "corrupt:ix:dir"))).isEqualTo("garbage");
    assertThat(listed("work")).isEqualTo(bucketsOf(made));
    assertThat(f.redis().get(key("work", "ix:dir:low"))).isEqualTo("0");
    assertThat(countAll("work")[0]).isEqualTo(6);
  }

  @Test
  void aDirectoryKeyOfAnotherTypeIsWalkedAroundThenSetAsideAndRebuilt() {
    List<JobId> made = spread("work", 4);
    f.redis().del(key("work", "ix:dir"));
    f.redis().set(key("work", "ix:dir"), "garbage");
    assertThat(countAll("work")[0]).isEqualTo(4);
    assertThat(listAll("work")).isEqualTo(newestFirst(made));

    JobId next = f.spool.statuses().create("work").id(); // the first write to a new bucket
    assertThat(f.redis().get(key("work", "corrupt:ix:dir"))).isEqualTo("garbage");
    assertThat(f.redis().get(key("work", "ix:dir:low"))).isNull(); // untrusted until swept
    assertThat(countAll("work")[0]).isEqualTo(5);
    sweep("work", 256);
    List<JobId> all = new ArrayList<>(made);
    all.add(next);
    assertThat(listed("work")).isEqualTo(bucketsOf(all));
    assertThat(f.redis().get(key("work", "ix:dir:low"))).isEqualTo("0");
  }

  @Test
  void aDirectoryEntryWrittenByAHandIsAtWorstOneBucketMoreToVisit() {
    List<JobId> made = spread("work", 4);
    f.redis().zadd(key("work", "ix:dir"), 2.5, "not a bucket");
    f.redis().zadd(key("work", "ix:dir"), 1, "another name for bucket 1");

    assertThat(countAll("work")[0]).isEqualTo(4);
    assertThat(listAll("work")).isEqualTo(newestFirst(made));
  }

  @Test
  void aStatusWhoseStateIsGarbageIsListedWhenItEntersARealOne() {
    spread("work", 1);
    JobId odd = new JobId("work", 5 * 512 + 1); // bucket 5, never listed
    f.redis().set(keys.queue("work").seq(), Long.toString(odd.number()));
    f.redis()
        .hset(
            f.jobKey(odd),
            Map.of("s", "no such state", "n", "0", "rec", "1", "que", "1")); // no new stamp
    f.spool.statuses().find(odd).orElseThrow().queued();

    assertThat(listed("work")).containsExactly(0L, 5L);
    assertThat(countAll("work")[0]).isEqualTo(2);
  }

  @Test
  void aWorkerSweepsAQueueFromBeforeTheDirectoryWhileAnotherNodeLeadsThePruning() {
    List<JobId> made = spread(NOOP.queue(), 3);
    f.redis().del(key(NOOP.queue(), "ix:dir"), key(NOOP.queue(), "ix:dir:low"));
    // An older node leads the pruning of the queue for the whole test.
    f.redis().set(key(NOOP.queue(), "leader:prune"), "older-node", SetArgs.Builder.px(120_000));

    f.worker("node-1").handle(NOOP, (job, a) -> {}).start();

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> "0".equals(f.redis().get(key(NOOP.queue(), "ix:dir:low"))));
    assertThat(listed(NOOP.queue())).isEqualTo(bucketsOf(made));
    assertThat(f.redis().get(key(NOOP.queue(), "leader:prune"))).isEqualTo("older-node");
  }
}
