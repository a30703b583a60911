package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.Fixtures.Noop;
import dev.spool.internal.Micros;
import dev.spool.internal.queue.Failure;
import dev.spool.internal.queue.FailureRecorded;
import dev.spool.internal.queue.FetchedJob;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.queue.Released;
import dev.spool.testkit.SpoolRedis;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A kill requested while an attempt runs is stored with the job; a node that has already decided
 * what to do with the attempt (retry it after a failure, hand it back at shutdown) sends that
 * decision afterwards. The scripts end the job killed instead, as the request asked, rather than
 * let it run again: the node drives these steps here, the request landing between them.
 */
class KillRequestedWhileEndingIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  private static final String QUEUE = "work";
  private static final String NODE = "node-1";

  Fixtures f;
  RedisJobStore store;
  final Clock clock = Clock.systemUTC();

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    store = f.jobStore();
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private FetchedJob startedAndAskedToStop() {
    JobId id = f.spool.enqueue(NOOP, new Noop(1));
    List<FetchedJob> fetched = store.fetch(QUEUE, NODE, Micros.now(clock), 60_000, 1);
    assertThat(fetched).hasSize(1);
    f.spool.statuses().find(id).orElseThrow().requestKill();
    assertThat(f.spool.statuses().find(id).orElseThrow().state()).isEqualTo(State.STARTED);
    return fetched.getFirst();
  }

  private JobStatus status(FetchedJob job) {
    return f.spool.statuses().find(job.id()).orElseThrow();
  }

  @Test
  void aRetryDecidedBeforeTheRequestEndsKilled() throws Exception {
    FetchedJob job = startedAndAskedToStop();
    long retryAt = clock.millis() + 60_000;
    Failure retry = new Failure(job, "{\"type\":\"Boom\",\"message\":\"boom\"}", retryAt);
    assertThat(store.fail(QUEUE, NODE, retry, Micros.now(clock)).get())
        .isEqualTo(FailureRecorded.KILLED);

    JobStatus status = status(job);
    assertThat(status.state()).isEqualTo(State.KILLED);
    assertThat(status.errors())
        .containsExactly(java.util.Map.of("type", "Boom", "message", "boom"));
    var counts = f.spool.monitor().counts(QUEUE);
    assertThat(counts.delayed()).isZero();
    assertThat(counts.processing()).isZero();
    assertThat(store.fetch(QUEUE, NODE, Micros.now(clock), 60_000, 1)).isEmpty();
  }

  @Test
  void aJobHandedBackAfterTheRequestEndsKilled() {
    FetchedJob job = startedAndAskedToStop();
    FetchedJob other = null;
    JobId otherId = f.spool.enqueue(NOOP, new Noop(2));
    List<FetchedJob> more = store.fetch(QUEUE, NODE, Micros.now(clock), 60_000, 1);
    assertThat(more).hasSize(1);
    other = more.getFirst();

    // Only the job not asked to stop counts as handed back.
    assertThat(
            store.release(
                QUEUE,
                NODE,
                Micros.now(clock),
                List.of(job, other),
                Worker.Builder.DEFAULT_MAX_HAND_BACKS))
        .isEqualTo(new Released(1, 1));

    assertThat(status(job).state()).isEqualTo(State.KILLED);
    assertThat(status(job).errors().toString())
        .contains("killed on request while node 'node-1' stopped");
    assertThat(f.spool.statuses().find(otherId).orElseThrow().state()).isEqualTo(State.QUEUED);
    List<FetchedJob> again = store.fetch(QUEUE, NODE, Micros.now(clock), 60_000, 10);
    assertThat(again).extracting(FetchedJob::id).containsExactly(otherId);
  }
}
