package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.internal.queue.Enqueuer;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.testkit.SpoolRedis;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A batch submit that cannot enqueue every part: no batch left open for its whole TTL. */
class BatchSubmitFaultsIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  /** Arguments whose encoding fails (an application bug). */
  record Bad(int n) {
    @Override
    public int n() {
      throw new IllegalStateException("cannot encode");
    }
  }

  static final JobType<Bad> BAD = JobType.of("bad", Bad.class).withQueue("work");
  static final JobType<Noop> REPORT = JobType.of("report", Noop.class).withQueue("work");
  static final JobType<Noop> ELSEWHERE = JobType.of("elsewhere", Noop.class).withQueue("other");

  Fixtures f;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void aPartWhoseArgumentsCannotBeEncodedFailsTheSubmitBeforeAnythingIsWritten() {
    Batch.Builder b = f.spool.batch().onComplete(REPORT, new Noop(-1));
    for (int i = 0; i < 600; i++) {
      b.add(NOOP, new Noop(i));
    }
    b.add(BAD, new Bad(1));

    Throwable t = catchThrowable(b::submit);

    assertThat(t).isInstanceOf(SpoolException.class).hasMessageContaining("cannot encode");
    assertThat(f.redis().keys(f.namespace + ":*batch:*")).as("no batch recorded").isEmpty();
    assertThat(f.redis().get(f.namespace + ":{work}:seq")).as("no part enqueued").isNull();
  }

  @Test
  void partsNotEnqueuedWhenRedisRefusesMidwayCountAsFailedAndTheBatchCompletes() {
    // Redis refuses every enqueue on queue "other": its job numbers are used up.
    f.redis().set(f.namespace + ":{other}:seq", "99999999999999");
    AtomicInteger reports = new AtomicInteger();
    Batch.Builder b = f.spool.batch().onComplete(REPORT, new Noop(-1));
    for (int i = 0; i < 600; i++) {
      b.add(NOOP, new Noop(i));
    }
    for (int i = 600; i < 605; i++) {
      b.add(ELSEWHERE, new Noop(i)); // refused
    }
    for (int i = 605; i < 610; i++) {
      b.add(NOOP, new Noop(i)); // not sent after the refusal
    }

    Throwable t = catchThrowable(b::submit);

    assertThat(t).isInstanceOf(BatchSubmitException.class);
    BatchSubmitException e = (BatchSubmitException) t;
    assertThat(e.enqueued()).hasSize(600);
    assertThat(e.notEnqueued()).isEqualTo(IntStream.range(600, 610).boxed().toList());
    assertThat(e.maybeEnqueued()).isEmpty();
    List<Integer> ran = new CopyOnWriteArrayList<>();
    f.worker("node-1")
        .concurrency(8)
        .handle(NOOP, (job, a) -> ran.add(a.n()))
        .handle(REPORT, (job, a) -> reports.incrementAndGet())
        .start();
    await().atMost(Duration.ofSeconds(30)).until(() -> reports.get() == 1);
    assertThat(ran).hasSize(600);
    BatchProgress progress = e.batch().progress();
    assertThat(progress.finished()).isTrue();
    assertThat(progress.succeeded()).isEqualTo(600);
    assertThat(progress.failed()).isEqualTo(10);
  }

  @Test
  void uniquePartsRejectedBeforeAFailureMidwayCountAsFailedToo() {
    JobType<Noop> unique =
        JobType.of("unique", Noop.class).withQueue("uq").withUnique(Unique.untilExecuted());
    f.spool.enqueue(unique, new Noop(-1)); // holds the lock that parts 0 to 2 meet
    // Numbers for 300 more jobs: the first chunk of 250 is queued, the second refused.
    f.redis().set(f.namespace + ":{uq}:seq", Long.toString(99_999_999_999_999L - 300));
    AtomicInteger reports = new AtomicInteger();
    Batch.Builder b = f.spool.batch().onComplete(REPORT, new Noop(-2));
    for (int i = 0; i < 400; i++) {
      b.add(unique, new Noop(i < 3 ? -1 : i));
    }

    Throwable t = catchThrowable(b::submit);

    assertThat(t).isInstanceOf(BatchSubmitException.class);
    BatchSubmitException e = (BatchSubmitException) t;
    assertThat(e.rejected()).containsExactly(0, 1, 2);
    assertThat(e.enqueued()).hasSize(250);
    assertThat(e.notEnqueued()).isEqualTo(IntStream.range(250, 400).boxed().toList());
    List<Integer> ran = new CopyOnWriteArrayList<>();
    f.worker("node-1")
        .queues("uq", "work")
        .concurrency(8)
        .handle(unique, (job, a) -> ran.add(a.n()))
        .handle(REPORT, (job, a) -> reports.incrementAndGet())
        .start();
    await().atMost(Duration.ofSeconds(30)).until(() -> reports.get() == 1);
    BatchProgress progress = e.batch().progress();
    assertThat(progress.finished()).isTrue();
    assertThat(progress.succeeded()).isEqualTo(247);
    assertThat(progress.failed()).isEqualTo(153);
  }

  @Test
  void unansweredPartsThatRedisDidNotEnqueueAreFencedOffAndCountAsFailed() {
    // Its key function fails for the 50th job of its group (an application bug), after the
    // parts before were sent: the submit cannot tell which of the group's parts Redis got.
    AtomicInteger keys = new AtomicInteger();
    JobType<Noop> failing =
        JobType.of("failing", Noop.class)
            .withQueue("work")
            .withConcurrencyLimit(
                1000,
                a -> {
                  if (keys.incrementAndGet() == 50) {
                    throw new IllegalStateException("no key");
                  }
                  return "all";
                });
    AtomicInteger reports = new AtomicInteger();
    Batch.Builder b = f.spool.batch().onComplete(REPORT, new Noop(-1));
    for (int i = 0; i < 300; i++) {
      b.add(NOOP, new Noop(i));
    }
    for (int i = 300; i < 400; i++) {
      b.add(failing, new Noop(i));
    }

    Throwable t = catchThrowable(b::submit);

    assertThat(t).isInstanceOf(BatchSubmitException.class);
    BatchSubmitException e = (BatchSubmitException) t;
    assertThat(e.maybeEnqueued()).isEqualTo(IntStream.range(300, 400).boxed().toList());
    assertThat(e.countedAsFailed()).isTrue();
    assertThat(e.foundNotEnqueued()).isEqualTo(e.maybeEnqueued());
    assertThat(e.getMessage()).contains("with the 100 unanswered ones Redis did not enqueue");
    e.countNotEnqueued(); // again: changes nothing

    f.worker("node-1")
        .concurrency(8)
        .handle(NOOP, (job, a) -> {})
        .handle(REPORT, (job, a) -> reports.incrementAndGet())
        .start();
    await().atMost(Duration.ofSeconds(30)).until(() -> reports.get() == 1);
    BatchProgress progress = e.batch().progress();
    assertThat(progress.finished()).isTrue();
    assertThat(progress.succeeded()).isEqualTo(300);
    assertThat(progress.failed()).isEqualTo(100);
  }

  @Test
  void aSubmitWhoseCallsWereAllAnsweredKeepsNoRecordOfItsParts() {
    Batch b = f.spool.batch().add(NOOP, new Noop(1)).add(ELSEWHERE, new Noop(2)).submit();

    assertThat(f.redis().exists(f.namespace + ":{work}:bp:" + b.token())).isZero();
    assertThat(f.redis().exists(f.namespace + ":{other}:bp:" + b.token())).isZero();
    assertThat(b.progress().pending()).isEqualTo(2);
  }

  @Test
  void aPartIsEnqueuedOnceWhateverCallsReachRedisAndNeverOnceFencedOff() {
    RedisJobStore store = f.jobStore();
    Enqueuer enqueuer =
        new Enqueuer(store, f.connection(), Clock.systemUTC(), 1 << 20, Duration.ofHours(1));
    List<String> refs = List.of("work|b1|0", "work|b1|1");
    List<Noop> args = List.of(new Noop(0), new Noop(1));

    List<EnqueueResult> first = enqueuer.enqueueAll(NOOP, args, JobOptions.NONE, refs, 60, null);
    // The same call reaching Redis again (sent again after its answer was lost).
    List<EnqueueResult> again = enqueuer.enqueueAll(NOOP, args, JobOptions.NONE, refs, 60, null);

    assertThat(again).isEqualTo(first);
    assertThat(first).allMatch(EnqueueResult::accepted);
    assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(2);

    // A settle finds both made, and fences off a third part that never reached Redis...
    assertThat(store.batchSettle(List.of("work"), "b1", 60, List.of("0", "1", "2")))
        .containsExactly("2");
    // ...which a late call then cannot make; a second settle says the same.
    List<EnqueueResult> late =
        enqueuer.enqueueAll(
            NOOP, List.of(new Noop(2)), JobOptions.NONE, List.of("work|b1|2"), 60, null);
    assertThat(late.getFirst().accepted()).isFalse();
    assertThat(f.spool.monitor().counts("work").ready()).isEqualTo(2);
    assertThat(store.batchSettle(List.of("work"), "b1", 60, List.of("2"))).containsExactly("2");
    assertThat(f.redis().ttl(f.namespace + ":{work}:bp:b1")).isBetween(1L, 60L);
  }
}
