package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.RedisClusterSet;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Cluster master is killed (SIGKILL) while jobs of queues on all three masters are enqueued and
 * run: its replica takes over, Spool follows the new topology by itself, and every job whose
 * enqueue returned (each waited for a replica) succeeds.
 */
class ClusterFailoverIT {
  static final int JOBS = 20_000;
  static final int PER_CALL = 100;

  @RegisterExtension static RedisClusterSet cluster = RedisClusterSet.create();

  @Test
  void aKilledMasterIsReplacedAndNoAcknowledgedJobIsLost() throws Exception {
    Map<Integer, String> byMaster = new LinkedHashMap<>();
    for (int i = 0; byMaster.size() < RedisClusterSet.MASTERS; i++) {
      byMaster.putIfAbsent(cluster.masterPortOf("{f" + i + "}"), "f" + i);
    }
    List<String> queues = List.copyOf(byMaster.values());
    List<JobType<Noop>> types = new ArrayList<>();
    for (String q : queues) {
      types.add(JobType.of("noop-" + q, Noop.class).withQueue(q));
    }
    String namespace = SpoolRedis.namespace();
    try (Spool spool = Spool.builder().redis(cluster.uri()).namespace(namespace).build();
        Spool producer =
            Spool.builder()
                .redis(cluster.uri())
                .namespace(namespace)
                .commandTimeout(Duration.ofSeconds(3))
                .waitForReplicas(1, Duration.ofMillis(500))
                .build()) {
      Set<JobId> acknowledged = ConcurrentHashMap.newKeySet();
      AtomicInteger acknowledgedJobs = new AtomicInteger();
      // Queued on a master, unconfirmed by a replica (none yet after the failover, or the WAIT cut
      // off by the kill): it may be lost, and its job number handed out again by the new master.
      AtomicInteger notReplicated = new AtomicInteger();
      AtomicInteger unknown = new AtomicInteger(); // sent, answer lost in the failover
      Worker.Builder worker =
          spool
              .worker("node-1")
              .queues(queues.toArray(String[]::new))
              .concurrency(16)
              .lease(Duration.ofSeconds(5));
      types.forEach(t -> worker.handle(t, (job, a) -> {}));
      try (Worker running = worker.start()) {
        CompletableFuture<Void> enqueues =
            CompletableFuture.runAsync(
                () -> {
                  for (int sent = 0; sent < JOBS; sent += PER_CALL) {
                    JobType<Noop> type = types.get(sent / PER_CALL % types.size());
                    List<Noop> batch = Fixtures.noops(PER_CALL);
                    // Refused while the slot has no reachable master (never sent, or CLUSTERDOWN
                    // while the cluster votes): try again until it has one.
                    await()
                        .atMost(Duration.ofSeconds(30))
                        .pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(50))
                        .ignoreException(SpoolConnectionException.class)
                        .until(
                            () -> {
                              try {
                                acknowledged.addAll(producer.enqueueAll(type, batch));
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
        int oldMaster = cluster.masterPortOf("{" + queues.getFirst() + "}");
        cluster.killMaster(oldMaster);
        cluster.awaitFailover(oldMaster, Duration.ofSeconds(20));
        cluster.rejoin(oldMaster); // a replica again, so that enqueues are confirmed again
        enqueues.get(40, TimeUnit.SECONDS);

        assertThat(cluster.masterPortOf("{" + queues.getFirst() + "}")).isNotEqualTo(oldMaster);
        assertThat(acknowledgedJobs.get() + notReplicated.get() + unknown.get()).isEqualTo(JOBS);
        assertThat(acknowledgedJobs.get()).isGreaterThan(JOBS / 2);
        assertThat(acknowledged).hasSize(acknowledgedJobs.get()); // no number given out twice
        await()
            .atMost(Duration.ofSeconds(40))
            .pollInterval(Duration.ofMillis(500))
            .ignoreException(SpoolConnectionException.class)
            .until(
                () ->
                    spool.statuses().all().ids(acknowledged).where(State.SUCCEEDED).count()
                        == acknowledged.size());
      }
    }
  }
}
