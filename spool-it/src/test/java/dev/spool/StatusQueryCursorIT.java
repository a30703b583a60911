package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.internal.Micros;
import dev.spool.internal.redis.Keys;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Queries that take several bounded script calls: counts, offset pages and cursor pages give the
 * same answers as the statuses made, across call and page boundaries, with deletes in between. The
 * statuses are spread over hundreds of (mostly empty) index buckets. Here queries visit the buckets
 * the directory lists; {@link StatusQueryCursorWithoutDirectoryIT} runs the same on queues from
 * before the directory, where every walk visits each bucket and needs several calls.
 */
class StatusQueryCursorIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  private static final Duration ONE_STEP = Duration.ZERO;
  private static final State[] STATES = {
    State.QUEUED, State.SUCCEEDED, State.FAILED, State.STARTED, State.UNQUEUED
  };

  Fixtures f;
  Statuses statuses;

  /** What was made: every status with its state, name and recorded time. */
  final Map<JobId, JobStatus> made = new LinkedHashMap<>();

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    statuses = f.spool.statuses();
    Keys keys = new Keys(f.namespace);
    int i = 0;
    for (int segment = 0; segment < 8; segment++) {
      for (int k = 0; k < 150; k++, i++) {
        make("alpha", i);
      }
      // Skip 78 buckets of 512 numbers: walks then cross many empty buckets, and call limits.
      f.redis().incrby(keys.queue("alpha").seq(), 40_000);
    }
    for (int k = 0; k < 300; k++, i++) {
      make("beta", i);
    }
    if (walksEveryBucket()) {
      for (String queue : List.of("alpha", "beta")) {
        f.redis().del(keys.queue(queue).prefix() + "ix:dir:low");
      }
    }
  }

  /** Whether queries walk every bucket number, as on a queue from before the directory. */
  boolean walksEveryBucket() {
    return false;
  }

  private void make(String queue, int i) {
    JobStatus s = statuses.create(queue).jobName("n" + (i % 3));
    switch (STATES[i % STATES.length]) {
      case QUEUED -> s.queued();
      case SUCCEEDED -> s.queued().started().succeeded();
      case FAILED -> s.queued().started().failed();
      case STARTED -> s.queued().started();
      default -> {}
    }
    made.put(s.id(), s.reload());
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  /** The expected order: newest first, across queues by recorded time, queue, then number. */
  private static final Comparator<JobStatus> ORDER =
      Comparator.<JobStatus, Long>comparing(
              s -> Micros.of(s.timestamp(Timestamp.RECORDED_AT).orElseThrow()))
          .reversed()
          .thenComparing(s -> s.id().queue())
          .thenComparing(s -> s.id().number(), Comparator.reverseOrder());

  private List<JobId> expected(String queue, Predicate<JobStatus> p) {
    return made.values().stream()
        .filter(s -> queue == null || s.id().queue().equals(queue))
        .filter(p)
        .sorted(ORDER)
        .map(JobStatus::id)
        .toList();
  }

  private static List<JobId> ids(List<JobStatus> list) {
    return list.stream().map(JobStatus::id).toList();
  }

  private record Case(StatusQuery query, List<JobId> expected) {}

  private List<Case> cases() {
    JobStatus middle = made.values().stream().toList().get(made.size() / 2);
    long from = Micros.of(middle.timestamp(Timestamp.RECORDED_AT).orElseThrow());
    Predicate<JobStatus> n1 = s -> s.jobName().orElseThrow().equals("n1");
    Predicate<JobStatus> n0or2 = s -> !n1.test(s);
    Set<JobId> everySeventh = new HashSet<>();
    List<JobId> all = List.copyOf(made.keySet());
    for (int i = 0; i < all.size(); i += 7) {
      everySeventh.add(all.get(i));
    }
    Predicate<JobStatus> recent =
        s -> Micros.of(s.timestamp(Timestamp.RECORDED_AT).orElseThrow()) >= from;
    return List.of(
        new Case(statuses.all(), expected(null, s -> true)),
        new Case(statuses.all().queue("alpha"), expected("alpha", s -> true)),
        new Case(statuses.where(State.FAILED), expected(null, s -> s.state() == State.FAILED)),
        new Case(
            statuses.where(State.SUCCEEDED).jobName("n1").queue("alpha"),
            expected("alpha", s -> s.state() == State.SUCCEEDED && n1.test(s))),
        new Case(
            statuses.where(State.COMPLETED).jobName("n0", "n2"),
            expected(null, s -> s.isCompleted() && n0or2.test(s))),
        new Case(
            statuses.where(State.QUEUED).betweenMicros(Timestamp.RECORDED_AT, from, null),
            expected(null, s -> s.state() == State.QUEUED && recent.test(s))),
        new Case(
            statuses.where(State.INCOMPLETE).ids(everySeventh),
            expected(null, s -> s.isIncomplete() && everySeventh.contains(s.id()))));
  }

  @Test
  void countsAndOffsetPagesMatchWhatWasMadeAcrossCallBoundaries() {
    for (Case c : cases()) {
      int n = c.expected().size();
      assertThat(c.query().count()).as("count of %s", c.query()).isEqualTo(n);
      assertThat(ids(c.query().list())).isEqualTo(c.expected());
      for (int offset : new int[] {0, 1, 149, 150, 151, n / 2, n - 1, n}) {
        int to = Math.min(n, offset + 37);
        assertThat(ids(c.query().offset(offset).limit(37).list()))
            .as("offset %d", offset)
            .isEqualTo(c.expected().subList(Math.min(offset, n), to));
      }
    }
  }

  @Test
  void countForReportsAGrowingPartialCountUntilItIsComplete() {
    for (Case c : cases()) {
      StatusCount count = c.query().countFor(ONE_STEP, null);
      List<StatusCount> steps = new ArrayList<>(List.of(count));
      while (!count.complete()) {
        StatusCount next = c.query().countFor(ONE_STEP, count.cursor());
        assertThat(next.counted()).isGreaterThanOrEqualTo(count.counted());
        assertThat(count.display()).isEqualTo("≥ " + count.counted());
        count = next;
        steps.add(count);
      }
      assertThat(count.counted()).isEqualTo(c.expected().size());
      assertThat(count.display()).isEqualTo(Long.toString(c.expected().size()));
      if (walksEveryBucket()) {
        assertThat(steps).as("steps of %s", c.query()).hasSizeGreaterThan(1);
      }
      assertThat(c.query().countFor(Duration.ofMinutes(1), null))
          .isEqualTo(new StatusCount(c.expected().size(), null));
    }
  }

  @Test
  void cursorPagesWalkEveryMatchOnceInOrder() {
    for (Case c : cases()) {
      for (int size : new int[] {1, 37, 150, 1000}) {
        List<JobId> walked = new ArrayList<>();
        StatusPage page = c.query().limit(size).page(null);
        walked.addAll(ids(page.statuses()));
        while (!page.last()) {
          assertThat(page.statuses()).hasSizeLessThanOrEqualTo(size);
          page = c.query().limit(size).page(page.next());
          walked.addAll(ids(page.statuses()));
        }
        assertThat(walked).as("pages of %d of %s", size, c.query()).isEqualTo(c.expected());
      }
    }
  }

  @Test
  void cursorPagesSkipWhatIsDeletedBeforeItsPageAndRepeatNothing() {
    StatusQuery query = statuses.all().limit(50);
    List<JobId> all = expected(null, s -> true);
    Set<JobId> deleted = new HashSet<>();
    List<JobId> walked = new ArrayList<>();
    StatusPage page = query.page(null);
    int pages = 1;
    walked.addAll(ids(page.statuses()));
    while (!page.last()) {
      // One status of a later page and one already seen go away between two pages.
      JobId ahead = all.get(Math.min(all.size() - 1, walked.size() + 60));
      JobId seen = walked.get(walked.size() / 2);
      for (JobId id : List.of(ahead, seen)) {
        if (deleted.add(id)) {
          statuses.find(id).orElseThrow().forceDelete();
        }
      }
      page = query.page(page.next());
      pages++;
      walked.addAll(ids(page.statuses()));
    }
    assertThat(pages).isGreaterThan(20);
    assertThat(walked).doesNotHaveDuplicates();
    List<JobId> expected =
        all.stream().filter(id -> walked.contains(id) || !deleted.contains(id)).toList();
    assertThat(walked).isEqualTo(expected);
    assertThat(statuses.all().count()).isEqualTo(all.size() - deleted.size());
  }

  @Test
  void aCursorOfAnotherQueryOrAMalformedOneIsRefused() {
    StatusCount failed = statuses.where(State.FAILED).countFor(ONE_STEP, null);
    StatusPage page = statuses.where(State.FAILED).limit(10).page(null);
    assertThat(failed.complete()).isFalse();
    assertThatThrownBy(() -> statuses.where(State.QUEUED).countFor(ONE_STEP, failed.cursor()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("another query");
    assertThatThrownBy(() -> statuses.where(State.QUEUED).limit(10).page(page.next()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("another query");
    for (String bad : List.of("", "x", "c1:zz", "p1:" + "::", failed.cursor() + ":1")) {
      assertThatThrownBy(() -> statuses.where(State.FAILED).countFor(ONE_STEP, bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
    // Numbers Spool never writes: a forged count of -5, positions below 0 or past 14 digits.
    String fingerprint = failed.cursor().split(":")[1];
    String queue = failed.cursor().split(":")[3];
    for (String forged :
        List.of(
            "c1:" + fingerprint + ":-5:" + queue + ":1",
            "c1:" + fingerprint + ":0:" + queue + ":-1",
            "c1:" + fingerprint + ":0:" + queue + ":100000000000001")) {
      assertThatThrownBy(() -> statuses.where(State.FAILED).countFor(ONE_STEP, forged))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("malformed cursor");
    }
    String pageFingerprint = page.next().split(":")[1];
    assertThatThrownBy(
            () ->
                statuses
                    .where(State.FAILED)
                    .limit(10)
                    .page("p1:" + pageFingerprint + ":" + queue + "=-5"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed cursor");
    assertThatThrownBy(() -> statuses.all().limit(StatusQuery.MAX_PAGE + 1).page(null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(statuses.all().page(null).statuses()).hasSize(StatusQuery.DEFAULT_PAGE);
  }
}
