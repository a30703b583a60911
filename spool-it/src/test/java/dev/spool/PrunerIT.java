package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.redis.Keys;
import dev.spool.internal.redis.RedisConnection;
import dev.spool.internal.schedule.Pruner;
import dev.spool.internal.status.StatusStore;
import dev.spool.testkit.SpoolRedis;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Pruner deletes what reached a final state outside the dead set, oldest first, from the
 * queue's list of finished jobs; what is dead, or no longer final, stays.
 */
class PrunerIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;
  RedisConnection connection;
  Keys.QueueKeys q;
  Pruner eightDaysLater;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
    connection = RedisConnection.open(redis.uri(), Duration.ofSeconds(10));
    Keys keys = new Keys(f.namespace);
    q = keys.queue("work");
    StatusStore statuses =
        new StatusStore(connection, keys, RedisJobStore.expirySeconds(Duration.ofDays(7)));
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofDays(8));
    eightDaysLater = new Pruner(statuses, (queue, nowMs, max) -> 0, later, Duration.ofDays(7));
  }

  @AfterEach
  void tearDown() {
    connection.close();
    f.close();
  }

  private boolean exists(JobId id) {
    return f.redis().exists(f.jobKey(id)) == 1;
  }

  @Test
  void finishedStatusesArePrunedAndDeadOrReopenedOnesStay() {
    JobType<Noop> fragile =
        JobType.of("fragile", Noop.class).withQueue("work").withRetry(Retry.none());
    JobId dead = f.spool.enqueue(fragile, new Noop(0));
    JobId succeeded = f.spool.enqueue(NOOP, new Noop(1));
    f.worker("node-1")
        .handle(NOOP, (job, a) -> {})
        .handle(
            fragile,
            (job, a) -> {
              throw new IllegalStateException("boom");
            })
        .start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                f.spool.deadJobs().size("work") == 1
                    && f.spool.monitor().counts("work").completed() == 1);
    JobId killed =
        f.spool.enqueue(NOOP, new Noop(2), JobOptions.builder().delay(Duration.ofHours(1)).build());
    assertThat(f.spool.cancel(killed)).isTrue();
    JobStatus failedByHand = f.spool.statuses().create("work").failed();
    JobStatus reopened = f.spool.statuses().create("work").succeeded().started();
    assertThat(f.redis().zcard(q.finished())).isEqualTo(3);

    assertThat(eightDaysLater.runBatch("work")).as("a batch that was not full").isFalse();

    assertThat(exists(succeeded)).isFalse();
    assertThat(exists(killed)).isFalse();
    assertThat(exists(failedByHand.id())).isFalse();
    assertThat(exists(dead)).isTrue();
    assertThat(exists(reopened.id())).isTrue();
    assertThat(f.redis().zcard(q.finished())).isZero();
    assertThat(f.spool.statuses().where(State.SUCCEEDED, State.KILLED).queue("work").count())
        .isZero();
    assertThat(f.spool.statuses().where(State.FAILED).queue("work").list())
        .extracting(JobStatus::id)
        .containsExactly(dead);
  }

  @Test
  void aFinishedJobWhoseKeyHoldsAnotherTypeIsSetAsideAndPruningGoesOn() {
    List<JobId> ids = f.spool.enqueueAll(NOOP, Fixtures.noops(3));
    f.worker("node-1").handle(NOOP, (job, a) -> {}).start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> f.spool.monitor().counts("work").completed() == 3);
    f.redis().del(f.jobKey(ids.get(0)));
    f.redis().set(f.jobKey(ids.get(0)), "garbage");

    assertThat(eightDaysLater.runBatch("work")).isFalse();

    assertThat(ids).noneMatch(this::exists);
    assertThat(f.redis().get(q.prefix() + "corrupt:" + ids.get(0).number())).isEqualTo("garbage");
    assertThat(f.redis().zcard(q.finished())).isZero();
    assertThat(f.spool.statuses().where(State.SUCCEEDED).queue("work").count()).isZero();
  }
}
