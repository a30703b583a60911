package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Outcomes that Redis refuses: a bad job is given up, the others are recorded. */
class AcknowledgementIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final JobType<Noop> PUTS_BROKEN = JobType.of("puts-broken", Noop.class).withQueue("work");
  static final JobType<Noop> DIES = JobType.of("dies", Noop.class).withQueue("work");
  static final JobType<Noop> WAITS = JobType.of("waits", Noop.class).withQueue("work");

  /** A value whose getter has a bug: Jackson lets the Error through as it writes the result. */
  public static final class Broken {
    public String getValue() {
      throw new AssertionError("a getter's bug");
    }
  }

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
  void anOutcomeRefusedForACorruptJobIsGivenUpAndFreesItsSlot() throws Exception {
    JobId bad = f.spool.enqueue(NOOP, new Noop(1));
    JobId good = f.spool.enqueue(NOOP, new Noop(2));
    CountDownLatch bothStarted = new CountDownLatch(2);
    CountDownLatch finish = new CountDownLatch(1);
    Worker worker =
        f.worker("node-1")
            .concurrency(2)
            .handle(
                NOOP,
                (job, a) -> {
                  bothStarted.countDown();
                  finish.await();
                  if (a.n() == 1) {
                    // Corrupt as the handler returns: recording its success fails with a script
                    // error (the job's key is not a hash) before the script writes anything.
                    f.redis()
                        .eval(
                            "redis.call('DEL', KEYS[1]) redis.call('SET', KEYS[1], 'garbage')",
                            ScriptOutputType.STATUS,
                            f.jobKey(bad));
                  }
                })
            .start();
    assertThat(bothStarted.await(10, TimeUnit.SECONDS)).isTrue();
    finish.countDown();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "succeeded".equals(f.redis().hget(f.jobKey(good), "s")));
    await().atMost(Duration.ofSeconds(15)).until(() -> worker.busy() == 0);
    // Its lease is no longer renewed: it runs out, for the reaper to recover the job.
    String active = f.namespace + ":{work}:active";
    String number = Long.toString(bad.number());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              Double deadline = f.redis().zscore(active, number);
              List<String> time = f.redis().time();
              long nowMs = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
              return deadline == null || deadline < nowMs;
            });
  }

  /**
   * A result whose writing throws an Error used to escape the acker after the other outcomes of its
   * batch were sent: the whole batch was then recorded again, and each job's slot freed twice, so
   * the node ran more handlers at once than its concurrency.
   */
  @Test
  void aResultThatThrowsAnErrorWhenWrittenCostsTheNodeNoSlotAndItsJobEnds() throws Exception {
    int concurrency = 4;
    AtomicInteger ranGood = new AtomicInteger();
    AtomicInteger waiting = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    f.worker("node-1")
        .concurrency(concurrency)
        .handle(
            NOOP,
            (job, a) -> {
              job.put("n", a.n());
              ranGood.incrementAndGet();
            })
        .handle(PUTS_BROKEN, (job, a) -> job.put("broken", new Broken()))
        .handle(
            DIES,
            (job, a) -> {
              throw new UnrecoverableJobException("dead on purpose");
            })
        .handle(
            WAITS,
            (job, a) -> {
              peak.accumulateAndGet(waiting.incrementAndGet(), Math::max);
              try {
                release.await();
              } finally {
                waiting.decrementAndGet();
              }
            })
        .start();
    // Interleaved, so that failures and broken results end together, in the same ack batches.
    List<JobId> broken = new ArrayList<>();
    int good = 0;
    int dying = 0;
    for (int i = 0; i < 400; i++) {
      switch (i % 4) {
        case 0 -> broken.add(f.spool.enqueue(PUTS_BROKEN, new Noop(i)));
        case 1 -> {
          f.spool.enqueue(NOOP, new Noop(i));
          good++;
        }
        default -> {
          f.spool.enqueue(DIES, new Noop(i));
          dying++;
        }
      }
    }
    int goodJobs = good;
    int deadJobs = dying;
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> ranGood.get() == goodJobs && f.spool.monitor().counts("work").dead() == deadJobs);

    // Every slot taken: with one freed twice, the node would have leased more jobs than that.
    f.spool.enqueueAll(WAITS, Fixtures.noops(concurrency * 5));
    await().atMost(Duration.ofSeconds(10)).until(() -> waiting.get() >= concurrency);
    assertThat(f.spool.monitor().counts("work").processing()).isEqualTo(concurrency);
    release.countDown();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.monitor().counts("work").completed() == goodJobs + broken.size() + 20);
    assertThat(peak.get()).isLessThanOrEqualTo(concurrency);
    assertThat(f.spool.monitor().counts("work").dead()).isEqualTo(deadJobs);
    for (JobId id : broken) {
      JobStatus status = f.spool.statuses().find(id).orElseThrow();
      assertThat(status.state()).isEqualTo(State.SUCCEEDED);
      assertThat(status.result().get("error"))
          .asString()
          .startsWith("result not writable as JSON: java.lang.AssertionError: a getter's bug");
    }
  }
}
