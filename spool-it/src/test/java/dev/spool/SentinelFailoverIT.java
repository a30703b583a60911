package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.RedisSentinelSet;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Sentinel master is killed (SIGKILL) while jobs are enqueued and run: the sentinels promote
 * the replica, Spool finds it through them by itself, and every job whose enqueue returned (each
 * waited for the replica) succeeds on the new master.
 */
class SentinelFailoverIT {
  static final int JOBS = 20_000;
  static final int PER_CALL = 100;

  @RegisterExtension static RedisSentinelSet sentinels = RedisSentinelSet.create();

  @Test
  void aKilledMasterIsReplacedAndNoAcknowledgedJobIsLost() throws Exception {
    try (Fixtures f = new Fixtures(sentinels.uri());
        Spool producer =
            Spool.builder()
                .redis(sentinels.uri())
                .namespace(f.namespace)
                .commandTimeout(Duration.ofSeconds(3))
                .waitForReplicas(1, Duration.ofMillis(500))
                .build()) {
      Set<JobId> acknowledged = ConcurrentHashMap.newKeySet();
      AtomicInteger acknowledgedJobs = new AtomicInteger();
      // Queued on a master, unconfirmed by a replica (none yet after the failover, or the WAIT cut
      // off by the kill): it may be lost, and its job number handed out again by the new master.
      AtomicInteger notReplicated = new AtomicInteger();
      AtomicInteger unknown = new AtomicInteger(); // sent, answer lost in the failover
      f.worker("node-1").concurrency(16).handle(NOOP, (job, a) -> {}).start();
      CompletableFuture<Void> enqueues =
          CompletableFuture.runAsync(
              () -> {
                for (int sent = 0; sent < JOBS; sent += PER_CALL) {
                  List<Noop> batch = Fixtures.noops(PER_CALL);
                  // Refused while no master is reachable (never sent): try again until one is.
                  await()
                      .atMost(Duration.ofSeconds(30))
                      .pollDelay(Duration.ZERO)
                      .pollInterval(Duration.ofMillis(50))
                      .ignoreException(SpoolConnectionException.class)
                      .until(
                          () -> {
                            try {
                              acknowledged.addAll(producer.enqueueAll(NOOP, batch));
                              acknowledgedJobs.addAndGet(PER_CALL);
                            } catch (EnqueueNotReplicatedException e) {
                              notReplicated.addAndGet(PER_CALL);
                            } catch (EnqueueOutcomeUnknownException e) {
                              unknown.addAndGet(PER_CALL);
                            }
                            return true;
                          });
                }
              });

      await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= JOBS / 3);
      int oldMaster = sentinels.killMaster();
      int newMaster = sentinels.awaitFailover(oldMaster, Duration.ofSeconds(20));
      sentinels.rejoin(oldMaster); // a replica again, so that enqueues are confirmed again
      enqueues.get(40, TimeUnit.SECONDS);

      assertThat(newMaster).isNotEqualTo(oldMaster);
      assertThat(acknowledgedJobs.get() + notReplicated.get() + unknown.get()).isEqualTo(JOBS);
      assertThat(acknowledgedJobs.get()).isGreaterThan(JOBS / 2);
      assertThat(acknowledged).hasSize(acknowledgedJobs.get()); // no number given out twice
      await()
          .atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofMillis(500))
          .ignoreException(SpoolConnectionException.class)
          .until(
              () ->
                  f.spool.statuses().all().ids(acknowledged).where(State.SUCCEEDED).count()
                      == acknowledged.size());
    }
  }
}
