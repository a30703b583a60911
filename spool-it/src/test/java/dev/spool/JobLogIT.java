package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A job's log (BullMQ's job.log): lines its handlers add, kept and bounded beside its status. */
class JobLogIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private String logKey(JobId id) {
    return f.namespace + ":{" + id.queue() + "}:log:" + id.number();
  }

  @Test
  void linesOfEveryAttemptAreKeptInOrderWithTheirAttemptAndTime() throws Exception {
    JobType<Noop> twice = NOOP.withRetry(Retry.fixed(2, Duration.ofMillis(10)));
    Instant before = Instant.now();
    JobId id = f.spool.enqueue(twice, new Noop(1));
    f.worker("node-1")
        .handle(
            twice,
            (job, a) -> {
              job.log("attempt " + job.attempt() + " starts");
              if (job.attempt() == 0) {
                throw new IllegalStateException("first try fails");
              }
              job.log("done: 3 files");
            })
        .start();
    assertThat(f.spool.outcome(id).get(10, TimeUnit.SECONDS).succeeded()).isTrue();

    List<JobLogLine> log = f.spool.statuses().find(id).orElseThrow().log();
    assertThat(log)
        .extracting(JobLogLine::attempt, JobLogLine::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0, "attempt 0 starts"),
            org.assertj.core.groups.Tuple.tuple(1, "attempt 1 starts"),
            org.assertj.core.groups.Tuple.tuple(1, "done: 3 files"));
    assertThat(log).allSatisfy(line -> assertThat(line.at()).isBetween(before, Instant.now()));
    // The log lives as long as its status: it takes the status's expiry when the job ends.
    long ttl = f.redis().ttl(logKey(id));
    assertThat(ttl)
        .isPositive()
        .isBetween(f.redis().ttl(f.jobKey(id)) - 5, f.redis().ttl(f.jobKey(id)));
  }

  @Test
  void aLogKeepsItsNewestLinesAndCutsALongOne() throws Exception {
    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    String longLine = "x".repeat(JobLogLine.MAX_LENGTH - 2) + "😀😀";
    f.worker("node-1")
        .handle(
            NOOP,
            (job, a) -> {
              for (int i = 0; i < JobLogLine.MAX_LINES + 5; i++) {
                job.log("line " + i);
              }
              job.log(longLine);
            })
        .start();
    assertThat(f.spool.outcome(id).get(30, TimeUnit.SECONDS).succeeded()).isTrue();

    List<JobLogLine> log = f.spool.statuses().find(id).orElseThrow().log();
    assertThat(log).hasSize(JobLogLine.MAX_LINES);
    assertThat(log.getFirst().message()).isEqualTo("line 6");
    String cut = log.getLast().message();
    assertThat(cut).hasSize(JobLogLine.MAX_LENGTH - 1).endsWith("x…"); // the emoji is not split
    assertThat(f.redis().llen(logKey(id))).isEqualTo(JobLogLine.MAX_LINES);
  }

  @Test
  void aLogIsReadFromAPositionAndAReaderGetsOnlyTheLinesAddedSince() throws Exception {
    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    f.worker("node-1")
        .handle(
            NOOP,
            (job, a) -> {
              for (int i = 0; i < JobLogLine.MAX_LINES + 5; i++) {
                job.log("line " + i);
              }
            })
        .start();
    assertThat(f.spool.outcome(id).get(30, TimeUnit.SECONDS).succeeded()).isTrue();
    Statuses statuses = f.spool.statuses();

    JobLogPage tail = statuses.logTail(id, 10);
    assertThat(tail.from()).isEqualTo(JobLogLine.MAX_LINES - 5);
    assertThat(tail.added()).isEqualTo(JobLogLine.MAX_LINES + 5);
    assertThat(tail.lines().getLast().message()).isEqualTo("line " + (JobLogLine.MAX_LINES + 4));
    assertThat(tail.hasMore()).isFalse();
    // Lines 0 to 4 were dropped: a read from 0 starts at the oldest kept, and says so.
    JobLogPage first = statuses.log(id, 0, 3);
    assertThat(first.from()).isEqualTo(5);
    assertThat(first.lines())
        .extracting(JobLogLine::message)
        .containsExactly("line 5", "line 6", "line 7");
    assertThat(first.hasMore()).isTrue();
    JobLogPage nothingNew = statuses.log(id, tail.next(), 10);
    assertThat(nothingNew.lines()).isEmpty();
    assertThat(nothingNew.from()).isEqualTo(tail.next());
    // A position beyond what was ever added (a log begun again) reads from the oldest kept.
    assertThat(statuses.log(id, 5_000, 1).from()).isEqualTo(5);
  }

  @Test
  void aLogFromBeforeTheCountOrWithAGarbageCountCountsItsLines() {
    JobId legacy = f.spool.enqueue(NOOP, new Noop(1));
    JobId garbage = f.spool.enqueue(NOOP, new Noop(2));
    for (JobId id : List.of(legacy, garbage)) {
      for (int i = 0; i < 3; i++) {
        f.redis().rpush(logKey(id), "{\"t\":1,\"n\":0,\"m\":\"line " + i + "\"}");
      }
    }
    f.redis().hset(f.jobKey(legacy), "lg", "1");
    f.redis().hset(f.jobKey(garbage), "lg", "inf");
    JobId wrongType = f.spool.enqueue(NOOP, new Noop(3));
    f.redis().set(logKey(wrongType), "not a list");

    for (JobId id : List.of(legacy, garbage)) {
      JobLogPage tail = f.spool.statuses().logTail(id, 2);
      assertThat(tail.from()).isEqualTo(1);
      assertThat(tail.added()).isEqualTo(3);
      assertThat(tail.lines()).extracting(JobLogLine::message).containsExactly("line 1", "line 2");
    }
    assertThat(f.spool.statuses().logTail(wrongType, 10).lines()).isEmpty();
    JobId none = new JobId("work", 999_999);
    assertThat(f.spool.statuses().logTail(none, 10)).isEqualTo(new JobLogPage(0, List.of(), 0));
  }

  @Test
  void aDeadJobKeepsItsLogAsLongAsItStaysDead() throws Exception {
    JobType<Noop> once = NOOP.withRetry(Retry.none());
    JobId id = f.spool.enqueue(once, new Noop(1));
    f.worker("node-1")
        .handle(
            once,
            (job, a) -> {
              job.log("calling the partner API");
              throw new IllegalStateException("the partner API is down");
            })
        .start();
    assertThat(f.spool.outcome(id).get(10, TimeUnit.SECONDS).state()).isEqualTo(State.FAILED);
    assertThat(f.redis().ttl(f.jobKey(id))).isEqualTo(-1); // dead: kept until the set's bounds
    assertThat(f.redis().ttl(logKey(id))).isEqualTo(-1);
    assertThat(f.spool.statuses().find(id).orElseThrow().log()).hasSize(1);
  }

  @Test
  void aSuccessNotKeptTakesItsLogWith() throws Exception {
    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    var outcome = f.spool.outcome(id); // awaited before the job runs: it leaves no status
    try (Spool notKept =
        Spool.builder().redis(redis.uri()).namespace(f.namespace).keepSucceeded(false).build()) {
      notKept
          .worker("node-1")
          .lease(Duration.ofMillis(900))
          .handle(NOOP, (job, a) -> job.log("ran"))
          .start();
      assertThat(outcome.get(10, TimeUnit.SECONDS).succeeded()).isTrue();
      assertThat(f.redis().exists(f.jobKey(id))).isZero();
      assertThat(f.redis().exists(logKey(id))).isZero();
    }
  }

  @Test
  void aDrainedJobsLogExpiresWithItsStatus() {
    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    // As an earlier attempt leaves it: a line, the status marked, no expiry while it waits.
    f.redis().rpush(logKey(id), "{\"t\":1,\"n\":0,\"m\":\"first try\"}");
    f.redis().hset(f.jobKey(id), "lg", "1");

    assertThat(f.spool.queue("work").drain()).isEqualTo(1);

    assertThat(f.redis().ttl(f.jobKey(id))).isPositive();
    assertThat(f.redis().ttl(logKey(id))).isPositive();
  }

  @Test
  void aDeletedJobTakesItsLogWith() throws Exception {
    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    f.worker("node-1").handle(NOOP, (job, a) -> job.log("ran")).start();
    assertThat(f.spool.outcome(id).get(10, TimeUnit.SECONDS).succeeded()).isTrue();
    assertThat(f.redis().exists(logKey(id))).isEqualTo(1);

    f.spool.statuses().find(id).orElseThrow().delete();

    assertThat(f.redis().exists(logKey(id))).isZero();
  }

  @Test
  void aGarbageLogIsSetAsideAndALineWrittenByHandShowsAsItIs() throws Exception {
    JobId garbage = f.spool.enqueue(NOOP, new Noop(1));
    JobId byHand = f.spool.enqueue(NOOP, new Noop(2));
    f.redis().set(logKey(garbage), "not a list");
    f.redis().rpush(logKey(byHand), "{oops");
    assertThat(f.spool.statuses().find(garbage).orElseThrow().log()).isEmpty();

    f.worker("node-1").handle(NOOP, (job, a) -> job.log("ran " + a.n())).start();
    assertThat(f.spool.outcome(garbage).get(10, TimeUnit.SECONDS).succeeded()).isTrue();
    assertThat(f.spool.outcome(byHand).get(10, TimeUnit.SECONDS).succeeded()).isTrue();

    assertThat(f.spool.statuses().find(garbage).orElseThrow().log())
        .extracting(JobLogLine::message)
        .containsExactly("ran 1");
    assertThat(f.redis().get(f.namespace + ":{work}:corrupt:log:" + garbage.number()))
        .isEqualTo("not a list");
    List<JobLogLine> shown = f.spool.statuses().find(byHand).orElseThrow().log();
    assertThat(shown.getFirst()).isEqualTo(new JobLogLine(Instant.EPOCH, 0, "{oops"));
    assertThat(shown.getLast().message()).isEqualTo("ran 2");
  }
}
