package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.Fixtures.Noop;
import dev.spool.internal.Micros;
import dev.spool.internal.queue.Failure;
import dev.spool.internal.queue.FailureRecorded;
import dev.spool.internal.queue.FetchedJob;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.queue.Success;
import dev.spool.testkit.SpoolRedis;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An outcome whose call timed out on the node while Redis still held it (Redis frozen or slow past
 * the command timeout) is recorded when Redis runs it later; the node, which never got the answer,
 * sends it again. That second call finds the outcome recorded by the same attempt: it counts as
 * recorded, and is not reported as a lease lost to another node.
 */
class ResentOutcomesIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  final Clock clock = Clock.systemUTC();
  Fixtures f;
  RedisJobStore store;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    store = f.jobStore();
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private FetchedJob fetchOne(JobType<Noop> type) {
    f.spool.enqueue(type, new Noop(1));
    List<FetchedJob> fetched = store.fetch("work", "node-1", Micros.now(clock), 60_000, 1);
    assertThat(fetched).hasSize(1);
    return fetched.getFirst();
  }

  private FailureRecorded fail(Failure failure) throws Exception {
    return store.fail("work", "node-1", failure, Micros.now(clock)).get();
  }

  @Test
  void aSuccessSentAgainCountsAsRecordedOnce() throws Exception {
    FetchedJob job = fetchOne(NOOP);
    List<Success> ok = List.of(new Success(job, "{\"r\":1}"));

    assertThat(store.complete("work", "node-1", ok, Micros.now(clock)).get()).isEqualTo(1);
    assertThat(store.complete("work", "node-1", ok, Micros.now(clock)).get()).isEqualTo(1);

    assertThat(f.redis().get(f.namespace + ":{work}:completed")).isEqualTo("1");
    JobStatus status = f.spool.statuses().find(job.id()).orElseThrow();
    assertThat(status.state()).isEqualTo(State.SUCCEEDED);
    assertThat(status.attempt()).isZero();
    // Another node, or another attempt, did not record it: still not this call's.
    assertThat(store.complete("work", "node-2", ok, Micros.now(clock)).get()).isZero();
  }

  @Test
  void aRetryScheduledSentAgainIsTheSameRetry() throws Exception {
    FetchedJob job = fetchOne(NOOP);
    long due = System.currentTimeMillis() + 60_000;
    Failure failure = new Failure(job, "{\"type\":\"Boom\"}", due);

    assertThat(fail(failure)).isEqualTo(FailureRecorded.RETRY_SCHEDULED);
    assertThat(fail(failure)).isEqualTo(FailureRecorded.RETRY_SCHEDULED);

    JobStatus status = f.spool.statuses().find(job.id()).orElseThrow();
    assertThat(status.state()).isEqualTo(State.SCHEDULED);
    assertThat(status.attempt()).isEqualTo(1);
    assertThat(f.redis().get(f.namespace + ":{work}:failed")).isEqualTo("1");
    // Another error is another outcome: not this one's.
    assertThat(fail(new Failure(job, "{\"type\":\"Other\"}", due)))
        .isEqualTo(FailureRecorded.NOT_HELD);
  }

  @Test
  void aDeathSentAgainIsTheSameDeath() throws Exception {
    FetchedJob job = fetchOne(NOOP);
    Failure failure = new Failure(job, "{\"type\":\"Boom\"}", Failure.DEAD);

    assertThat(fail(failure)).isEqualTo(FailureRecorded.DEAD);
    assertThat(fail(failure)).isEqualTo(FailureRecorded.DEAD);

    assertThat(f.spool.deadJobs().size("work")).isEqualTo(1);
    assertThat(f.redis().get(f.namespace + ":{work}:failed")).isEqualTo("1");
  }

  @Test
  void aPostponementSentAgainIsTheSamePostponement() throws Exception {
    FetchedJob job = fetchOne(NOOP);
    Failure later =
        Failure.postponed(job, "{\"type\":\"Later\"}", System.currentTimeMillis() + 60_000);

    assertThat(fail(later)).isEqualTo(FailureRecorded.POSTPONED);
    assertThat(fail(later)).isEqualTo(FailureRecorded.POSTPONED);

    assertThat(f.spool.statuses().find(job.id()).orElseThrow().attempt()).isEqualTo(1);
  }
}
