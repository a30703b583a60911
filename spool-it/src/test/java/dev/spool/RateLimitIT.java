package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rate limits: over ten windows, no window holds more starts than the limit, and the windows are
 * used; jobs over the limit are scheduled for their window, using no attempt. Starts are those the
 * statuses record (when a node leased the job, on its clock, which the limit counts by).
 */
class RateLimitIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  record Call(String account, int n) {}

  static final int MAX = 20;
  static final Duration PER = Duration.ofMillis(400);
  static final JobType<Call> CALL =
      JobType.of("call", Call.class).withQueue("api").withRateLimit(MAX, PER);
  static final JobType<Call> PER_ACCOUNT =
      JobType.of("per-account", Call.class)
          .withQueue("accounts")
          .withRateLimit(5, PER, Call::account);
  static final JobType<Call> OPEN = JobType.of("open", Call.class).withQueue("open");

  Fixtures f;
  Spool spool;
  final List<Worker> workers = new ArrayList<>();
  final ConcurrentLinkedQueue<Instant> starts = new ConcurrentLinkedQueue<>();
  final AtomicInteger retried = new AtomicInteger();

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    spool = Spool.builder().redis(redis.uri()).namespace(f.namespace).build();
  }

  @AfterEach
  void tearDown() {
    workers.forEach(Worker::close);
    spool.close();
    f.close();
  }

  private Handler<Call> recording() {
    return (job, call) -> {
      starts.add(Instant.now());
      if (job.attempt() > 0) {
        retried.incrementAndGet();
      }
    };
  }

  private void startNodes(JobType<Call> type) {
    for (int i = 0; i < 3; i++) {
      workers.add(
          spool
              .worker("node-" + i)
              .concurrency(64)
              .shutdownTimeout(Duration.ofSeconds(2))
              .handle(type, recording())
              .start());
    }
  }

  private List<Instant> startedAt(List<JobId> ids) {
    return ids.stream()
        .map(id -> spool.statuses().find(id).orElseThrow().timestamp(Timestamp.STARTED_AT))
        .map(java.util.Optional::orElseThrow)
        .sorted()
        .toList();
  }

  /** Starts per window of PER, the windows aligned on the epoch as the limit counts them. */
  private Map<Long, Long> perWindow(List<Instant> starts) {
    return starts.stream()
        .collect(
            Collectors.groupingBy(
                t -> t.toEpochMilli() / PER.toMillis(), TreeMap::new, Collectors.counting()));
  }

  @Test
  void noWindowHoldsMoreStartsThanTheLimitAndEveryWindowIsUsed() {
    startNodes(CALL);
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < MAX * 10; i++) {
      calls.add(new Call("-", i));
    }
    List<JobId> ids = spool.enqueueAll(CALL, calls);
    await().atMost(Duration.ofSeconds(30)).until(() -> starts.size() == MAX * 10);
    // The limit governs when jobs start, as their statuses record it (the time a node leased
    // them); a handler begins a moment later, after a dispatch latency that varies.
    List<Instant> sorted = startedAt(ids);
    Map<Long, Long> perWindow = perWindow(sorted);
    assertThat(perWindow.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(MAX));
    // 200 jobs at 20 per window fill ten windows (eleven when the first was entered late): the
    // limit is used, not undershot.
    assertThat(perWindow).hasSizeBetween(10, 11);
    assertThat(perWindow.values().stream().filter(n -> n == MAX).count()).isGreaterThanOrEqualTo(9);
    assertThat(retried.get()).isZero();
    assertThat(spool.statuses().where(State.SUCCEEDED).count()).isEqualTo(MAX * 10);
  }

  @Test
  void aQueueRateLimitAppliesToEveryJobOfTheQueue() {
    spool.queue("open").limitRate(MAX, PER);
    assertThat(spool.queue("open").rateLimit())
        .hasValueSatisfying(r -> assertThat(r.max()).isEqualTo(MAX));
    startNodes(OPEN);
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < MAX * 5; i++) {
      calls.add(new Call("-", i));
    }
    List<JobId> ids = spool.enqueueAll(OPEN, calls);
    await().atMost(Duration.ofSeconds(30)).until(() -> starts.size() == MAX * 5);
    assertThat(perWindow(startedAt(ids)).values())
        .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(MAX));
    assertThat(retried.get()).isZero();
  }

  @Test
  void aJobOverTheLimitIsScheduledForItsTurn() {
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      calls.add(new Call("acme", i));
    }
    List<JobId> ids = spool.enqueueAll(PER_ACCOUNT, calls);
    JobId other = spool.enqueue(PER_ACCOUNT, new Call("globex", 0));
    startNodes(PER_ACCOUNT);
    await().atMost(Duration.ofSeconds(10)).until(() -> starts.size() >= 6);
    // Another account has a limit of its own: it is not held up by acme's.
    assertThat(spool.statuses().findOrUnknown(other).state()).isEqualTo(State.SUCCEEDED);
    await().atMost(Duration.ofSeconds(10)).until(() -> starts.size() == 16);
    JobStatus last = spool.statuses().find(ids.getLast()).orElseThrow();
    assertThat(last.attempt()).isZero();
    assertThat(last.timestamp(Timestamp.SCHEDULED_AT)).isPresent(); // it waited as a scheduled job
  }

  static final JobType<Call> NARROW =
      JobType.of("redefined", Call.class)
          .withQueue("redef")
          .withRateLimit(5, Duration.ofSeconds(10));
  static final JobType<Call> WIDE =
      JobType.of("redefined", Call.class).withQueue("redef").withRateLimit(5, Duration.ofDays(1));

  /**
   * A type's rate limit redefined with a wider window (jobs made before still carry the old one):
   * the limit's latest window, a number of 10 s windows (kept for 10 to 20 s), was read as a number
   * of days, which put the next job hundreds of thousands of years ahead (a narrower old window, or
   * a wider new one, past what PEXPIRE takes: the fetch failed after it had popped its jobs).
   */
  @Test
  void aRateLimitRedefinedWithAnotherWindowGoesOnFromNow() {
    startNodes(NARROW);
    JobId before = spool.enqueue(NARROW, new Call("-", 0));
    await().atMost(Duration.ofSeconds(10)).until(() -> starts.size() == 1);
    List<JobId> after = spool.enqueueAll(WIDE, List.of(new Call("-", 1), new Call("-", 2)));
    JobId oldAgain = spool.enqueue(NARROW, new Call("-", 3));
    await().atMost(Duration.ofSeconds(10)).until(() -> starts.size() == 4);
    for (JobId id : List.of(before, after.get(0), after.get(1), oldAgain)) {
      JobStatus status = spool.statuses().find(id).orElseThrow();
      assertThat(status.state()).isEqualTo(State.SUCCEEDED);
      assertThat(status.attempt()).isZero();
    }
  }

  /** A rate state written by hand with a window far past any date is counted afresh. */
  @Test
  void aRateStateWithAWindowPastAnyDateIsCountedAfresh() {
    spool.queue("open").limitRate(MAX, PER);
    String state = f.namespace + ":{open}:rate:q";
    f.redis().hset(state, Map.of("w", "99999999999999999999", "c", "1"));
    startNodes(OPEN);
    List<JobId> ids = spool.enqueueAll(OPEN, List.of(new Call("-", 0), new Call("-", 1)));
    await().atMost(Duration.ofSeconds(10)).until(() -> starts.size() == 2);
    assertThat(ids)
        .allSatisfy(
            id ->
                assertThat(spool.statuses().findOrUnknown(id).state()).isEqualTo(State.SUCCEEDED));
    assertThat(f.redis().hget(state, "w")).hasSizeLessThan(15);
  }

  static final Duration MINUTE = Duration.ofMinutes(1);
  static final JobType<Call> METERED =
      JobType.of("metered", Call.class).withQueue("metered").withRateLimit(2, MINUTE);

  /**
   * Statuses of the jobs once the idle nodes fetched them all: each either started or scheduled for
   * its window.
   */
  private List<JobStatus> awaitAdmitted(List<JobId> ids) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                ids.stream()
                    .map(id -> spool.statuses().findOrUnknown(id).state())
                    .allMatch(s -> s == State.SCHEDULED || s == State.SUCCEEDED));
    return ids.stream().map(id -> spool.statuses().find(id).orElseThrow()).toList();
  }

  private long dueOf(JobId id) {
    return Long.parseLong(f.redis().hget(f.jobKey(id), "due"));
  }

  /**
   * 40 jobs at 2 a minute take windows up to 19 minutes ahead; drained before those windows, they
   * gave none of them back, and the next job waited until after the burst's last window. Now the
   * next jobs get the next windows (the current one counted as full), still 2 a window.
   */
  @Test
  void windowsReservedByADrainedBurstAreGivenBack() {
    startNodes(METERED);
    List<Call> burst = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      burst.add(new Call("-", i));
    }
    List<JobStatus> admitted = awaitAdmitted(spool.enqueueAll(METERED, burst));
    assertThat(admitted.stream().filter(s -> s.state() == State.SCHEDULED).count())
        .isGreaterThanOrEqualTo(36);
    assertThat(spool.queue("metered").drain(true)).isGreaterThanOrEqualTo(36);

    assertNextJobsGetTheNextWindows(METERED);
  }

  /** The same for a queue's own limit, the burst cancelled job by job. */
  @Test
  void windowsReservedByCancelledJobsAreGivenBack() {
    spool.queue("open").limitRate(2, MINUTE);
    startNodes(OPEN);
    List<Call> burst = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      burst.add(new Call("-", i));
    }
    List<JobStatus> admitted = awaitAdmitted(spool.enqueueAll(OPEN, burst));
    long cancelled =
        admitted.stream()
            .filter(s -> s.state() == State.SCHEDULED)
            .filter(s -> spool.cancel(s.id()))
            .count();
    assertThat(cancelled).isGreaterThanOrEqualTo(36);

    assertNextJobsGetTheNextWindows(OPEN);
  }

  private void assertNextJobsGetTheNextWindows(JobType<Call> type) {
    long before = System.currentTimeMillis();
    List<JobId> next =
        spool.enqueueAll(type, List.of(new Call("-", 100), new Call("-", 101), new Call("-", 102)));
    List<JobStatus> admitted = awaitAdmitted(next);
    assertThat(admitted).allSatisfy(s -> assertThat(s.state()).isEqualTo(State.SCHEDULED));
    List<Long> dues = next.stream().map(this::dueOf).toList();
    // The next window or the one after it (a minute may turn meanwhile), not twenty minutes on.
    assertThat(dues)
        .allSatisfy(due -> assertThat(due).isLessThanOrEqualTo(before + 3 * MINUTE.toMillis()));
    assertThat(dues.stream().collect(Collectors.groupingBy(d -> d, Collectors.counting())).values())
        .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(2));
  }

  /** A node's fetch at {@code nowMs} on its own clock: the limit counts windows by it. */
  private int fetchAt(String node, long nowMs, int max) {
    return f.jobStore().fetchJobs("open", node, nowMs * 1000, 60_000, max).jobs().size();
  }

  /**
   * Two nodes whose clocks differ by 10 ms at a window's start: a node behind saw the window the
   * other started two jobs in as lying ahead with no reservation left, set the limit back a window
   * and reserved a third start in it; the first node then started a fourth at once (4 against 2). A
   * start now is counted as such ('sw'), and the limit never goes back past it.
   */
  @Test
  void nodesWithClocksApartNeverPutMoreStartsInAWindowThanTheLimit() {
    spool.queue("open").limitRate(2, Duration.ofSeconds(1));
    List<JobId> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(spool.enqueue(OPEN, new Call("-", i)));
    }
    long window = System.currentTimeMillis() / 1000 + 10; // a window of the nodes' own clocks
    long start = window * 1000;

    assertThat(fetchAt("ahead", start + 5, 2)).isEqualTo(2); // two starts in the window
    assertThat(fetchAt("behind", start - 5, 1)).isZero(); // the next window, not this one again
    assertThat(dueOf(ids.get(2))).isEqualTo(start + 1000);
    assertThat(fetchAt("ahead", start + 6, 1)).as("no third start in the window").isZero();
    assertThat(dueOf(ids.get(3))).isEqualTo(start + 1000);
  }

  /**
   * A node of an earlier version reserves windows without counting them: a limit whose latest
   * window no counted reservation gave out is not set back, though it counts none left.
   */
  @Test
  void windowsReservedUncountedAreNotGivenBack() {
    spool.queue("open").limitRate(2, Duration.ofSeconds(1));
    JobId id = spool.enqueue(OPEN, new Call("-", 0));
    long window = System.currentTimeMillis() / 1000 + 10;
    String state = f.namespace + ":{open}:rate:q";
    f.redis()
        .hset(
            state,
            Map.of("w", Long.toString(window + 5), "c", "2", "p", "1000", "g", "1", "r", "0"));

    assertThat(fetchAt("n1", window * 1000, 1)).isZero();
    assertThat(Long.parseLong(f.redis().hget(f.jobKey(id), "due"))).isEqualTo((window + 6) * 1000);
  }

  /**
   * A count of reservations written by hand past HINCRBY's range failed the fetch after its pops:
   * the jobs went to the dead set as corrupt. It is counted afresh instead.
   */
  @Test
  void aReservationCountPastItsRangeCostsNoJob() {
    spool.queue("open").limitRate(1, Duration.ofSeconds(1));
    List<JobId> ids = spool.enqueueAll(OPEN, List.of(new Call("-", 0), new Call("-", 1)));
    String state = f.namespace + ":{open}:rate:q";
    f.redis().hset(state, Map.of("g", "1", "r", "9223372036854775807", "w", "0", "p", "1000"));

    long now = System.currentTimeMillis();
    assertThat(fetchAt("n1", now, 2)).isEqualTo(1);
    assertThat(spool.statuses().findOrUnknown(ids.get(1)).state()).isEqualTo(State.SCHEDULED);
    assertThat(spool.deadJobs().size("open")).isZero();
  }
}
