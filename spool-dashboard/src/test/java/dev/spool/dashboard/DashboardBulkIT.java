package dev.spool.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.spool.JobId;
import dev.spool.JobType;
import dev.spool.Retry;
import dev.spool.Spool;
import dev.spool.SpoolConnectionException;
import dev.spool.SpoolException;
import dev.spool.State;
import dev.spool.Unique;
import dev.spool.Worker;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Actions on many jobs at once against a real Redis: the jobs bulk actions and the dead set's retry
 * and purge of all. Each request does work bounded by its batch, and one job or queue that cannot
 * be changed stops neither the request nor its repeats.
 */
class DashboardBulkIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  private static final Duration WAIT = Duration.ofSeconds(20);

  /** Dies at its first failure, and holds a unique lock on its args until it has run. */
  static final JobType<JsonNode> UNIQUE =
      JobType.of("dash-unique", JsonNode.class)
          .withQueue("dash-unique")
          .withRetry(Retry.none())
          .withUnique(Unique.untilExecuted());

  private final JsonNode noArgs = JsonNodeFactory.instance.objectNode();
  private Spool spool;
  private SpoolDashboard dashboard;
  private Http http;

  @BeforeEach
  void start() {
    spool = Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build();
    dashboard = SpoolDashboard.builder().spool(spool).port(0).build().start();
    http = new Http(dashboard.url());
  }

  @AfterEach
  void stop() {
    dashboard.stop();
    spool.close();
  }

  @Test
  void aBulkRetryLeavesAJobWhoseUniqueLockIsHeldDeadAndRetriesTheOthers() {
    JobId other;
    JobId locked;
    try (Worker failing =
        spool
            .worker("node-u")
            .queues("dash-unique")
            .handle(
                UNIQUE,
                (job, args) -> {
                  throw new IllegalStateException("failing on purpose");
                })
            .start()) {
      other = spool.enqueue(UNIQUE, args("k", "2"));
      locked = spool.enqueue(UNIQUE, args("k", "1")); // the newest: examined first
      await().atMost(WAIT).until(() -> spool.deadJobs().size("dash-unique") == 2);
    }
    // Takes the lock the dead job gave back when it died: that one cannot be retried now.
    JobId holder = spool.enqueue(UNIQUE, args("k", "1"));

    Http.Reply reply = http.act("api/jobs/bulk/retry?queue=dash-unique");

    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    JsonNode r = reply.json();
    assertThat(r.get("changed").asLong()).as(r.toString()).isEqualTo(1);
    assertThat(r.get("held").asLong()).as(r.toString()).isEqualTo(1);
    assertThat(state(other)).isEqualTo(State.QUEUED);
    assertThat(state(locked)).isEqualTo(State.FAILED);
    assertThat(spool.deadJobs().size("dash-unique")).isEqualTo(1);
    assertThat(state(holder)).isEqualTo(State.QUEUED);
  }

  @Test
  void deleteAllReachesOldEndedJobsBehindAThousandWaitingOnes() {
    List<JobId> ended = spool.enqueueAll(TestJobs.IDLE, List.of(noArgs, noArgs, noArgs));
    ended.forEach(spool::cancel); // killed: ended, so Delete all may delete them
    // Newer and waiting: more than a request's batch that Delete all cannot change.
    spool.enqueueAll(TestJobs.IDLE, Collections.nCopies(Api.BULK_MAX + 1, noArgs));

    JsonNode r = http.act("api/jobs/bulk/delete?queue=dash-idle").json();

    assertThat(r.get("changed").asLong()).as(r.toString()).isEqualTo(3);
    assertThat(r.get("examined").asLong()).as(r.toString()).isEqualTo(3);
    assertThat(r.get("more").asBoolean()).as(r.toString()).isFalse();
    ended.forEach(id -> assertThat(spool.statuses().find(id)).isEmpty());
    assertThat(spool.statuses().where(State.QUEUED).queue("dash-idle").count())
        .isEqualTo(Api.BULK_MAX + 1);
  }

  @Test
  void aRepeatedKillAllGoesOnFromItsCursorPastJobsWhoseKillIsRequestedAlready() throws Exception {
    // Unqueued statuses (work run by something else) stay as they are when a kill is requested:
    // the whole batch can only be asked once.
    List<JobId> ids = new ArrayList<>();
    try (ExecutorService creating = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<JobId>> made = new ArrayList<>();
      for (int i = 0; i <= Api.BULK_MAX; i++) {
        made.add(creating.submit(() -> spool.statuses().create("dash-own").id()));
      }
      for (Future<JobId> f : made) {
        ids.add(f.get());
      }
    }
    JobId oldest = ids.stream().min(Comparator.comparingLong(JobId::number)).orElseThrow();

    JsonNode first = http.act("api/jobs/bulk/kill?queue=dash-own").json();
    assertThat(first.get("changed").asLong()).as(first.toString()).isEqualTo(Api.BULK_MAX);
    assertThat(first.get("more").asBoolean()).isTrue();
    JsonNode again =
        http.act("api/jobs/bulk/kill?queue=dash-own&cursor=" + first.get("next").asText()).json();
    JsonNode fromTheNewest = http.act("api/jobs/bulk/kill?queue=dash-own").json();

    assertThat(again.get("changed").asLong()).as(again.toString()).isEqualTo(1);
    assertThat(again.get("more").asBoolean()).isFalse();
    assertThat(spool.statuses().findOrUnknown(oldest).isKillRequested()).isTrue();
    // Asked already: not asked again, nor counted as killed.
    assertThat(fromTheNewest.get("changed").asLong()).as(fromTheNewest.toString()).isZero();
    assertError(http.act("api/jobs/bulk/kill?queue=dash-own&cursor=nonsense"), 400, "cursor");
  }

  @Test
  void killAllAndDeleteAllActOnThePageTheyReadNotOnWholeStatuses() {
    try (OwnRedis own = new OwnRedis()) {
      // 20 waiting jobs with 100 KB of arguments each: 2 MB if read whole.
      JsonNode big = JsonNodeFactory.instance.objectNode().put("text", "x".repeat(100_000));
      List<JobId> ids = own.spool.enqueueAll(TestJobs.IDLE, Collections.nCopies(20, big));

      long killBytes =
          RedisBytes.sentFor(own.cli, () -> own.api.act("api/jobs/bulk/kill?queue=dash-idle"));
      long deleteBytes =
          RedisBytes.sentFor(own.cli, () -> own.api.act("api/jobs/bulk/delete?queue=dash-idle"));

      ids.forEach(id -> assertThat(own.spool.statuses().find(id)).isEmpty());
      // The page is read cut short in Redis (about 1 KB a job); nothing is read again whole.
      assertThat(killBytes).as("bytes from Redis for Kill all").isLessThan(200_000);
      assertThat(deleteBytes).as("bytes from Redis for Delete all").isLessThan(200_000);
    }
  }

  @Test
  void retryAllOfEveryQueueWorksThroughABoundedPartPerRequestAndGoesOn() {
    try (OwnRedis own = new OwnRedis()) {
      for (String queue : List.of("dead-a", "dead-b", "dead-c")) {
        own.deadJobs(queue, 600);
      }

      JsonNode first = own.api.act("api/dead/retry").json();

      // Whole queues, until about a thousand dead jobs are done: the two first, then the third.
      assertThat(first.get("count").asLong()).as(first.toString()).isEqualTo(1_200);
      assertThat(first.get("more").asBoolean()).isTrue();
      assertThat(first.get("next").asText()).isEqualTo("dead-b");
      JsonNode second = own.api.act("api/dead/retry?cursor=dead-b").json();
      assertThat(second.get("count").asLong()).as(second.toString()).isEqualTo(600);
      assertThat(second.get("more").asBoolean()).isFalse();
      assertThat(second.get("next").isNull()).isTrue();
      for (String queue : List.of("dead-a", "dead-b", "dead-c")) {
        assertThat(own.spool.deadJobs().size(queue)).isZero();
        assertThat(own.spool.monitor().counts(queue).ready()).isEqualTo(601);
      }
      assertError(own.api.act("api/dead/retry?cursor=a%20b"), 400, "cursor");
    }
  }

  @Test
  void aDeadSetKeyOfAnotherTypeStopsNoPurgeOfTheOtherQueues() {
    try (OwnRedis own = new OwnRedis()) {
      own.deadJobs("dead-a", 0);
      own.cli.set(own.spool.namespace() + ":{dead-a}:dead", "garbage");
      own.deadJobs("dead-b", 2);

      Http.Reply purged = own.api.act("api/dead/purge");

      assertThat(purged.status()).as(purged.body()).isEqualTo(200);
      assertThat(purged.json().get("count").asLong()).isEqualTo(2);
      assertThat(own.spool.deadJobs().size("dead-b")).isZero();
    }
  }

  @Test
  void aQueueWhoseDeadSetFailsIsReportedAndTheOthersAreDone() {
    try (OwnRedis own = new OwnRedis()) {
      own.deadJobs("dead-a", 2);
      own.deadJobs("dead-b", 3);
      // The first queue's purge fails (whatever the cause); Redis unreachable fails them all.
      DashboardData failingFirst =
          failing(
              new SpoolData(own.spool),
              "purgeDead",
              queue -> queue.equals("dead-a") ? new SpoolException("boom") : null);
      DashboardData unreachable =
          failing(
              new SpoolData(own.spool),
              "purgeDead",
              queue -> new SpoolConnectionException("down", null));

      @SuppressWarnings("unchecked")
      Map<String, Object> r =
          (Map<String, Object>)
              new Api(failingFirst, false)
                  .handle("POST", List.of("dead", "purge"), Params.ofQuery(""));

      assertThat(r.get("count")).isEqualTo(3L);
      assertThat(r.get("failed").toString()).contains("dead-a", "SpoolException");
      assertThat(own.spool.deadJobs().size("dead-a")).isEqualTo(2);
      assertThat(own.spool.deadJobs().size("dead-b")).isZero();
      assertThatThrownBy(
              () ->
                  new Api(unreachable, false)
                      .handle("POST", List.of("dead", "purge"), Params.ofQuery("")))
          .isInstanceOf(SpoolConnectionException.class);
    }
  }

  /**
   * The data, but whose {@code method} throws what {@code failure} gives for its first argument.
   */
  private static DashboardData failing(
      DashboardData data, String method, Function<Object, RuntimeException> failure) {
    return (DashboardData)
        Proxy.newProxyInstance(
            DashboardData.class.getClassLoader(),
            new Class<?>[] {DashboardData.class},
            (proxy, m, args) -> {
              RuntimeException e = m.getName().equals(method) ? failure.apply(args[0]) : null;
              if (e != null) {
                throw e;
              }
              try {
                return m.invoke(data, args);
              } catch (InvocationTargetException t) {
                throw t.getCause();
              }
            });
  }

  /** A Redis server of its own, with a dashboard on it, so that Redis's figures are its own. */
  private static final class OwnRedis implements AutoCloseable {
    final SpoolRedis redis = SpoolRedis.dedicated();
    final Spool spool =
        Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build();
    final SpoolDashboard dashboard = SpoolDashboard.builder().spool(spool).port(0).build().start();
    final RedisClient client = RedisClient.create(redis.uri());
    final RedisCommands<String, String> cli = client.connect().sync();
    final Http api = new Http(dashboard.url());

    /**
     * A queue with one waiting job and {@code n} dead ones, written straight into Redis (failing
     * thousands of jobs takes too long).
     */
    void deadJobs(String queue, int n) {
      spool.enqueue(TestJobs.IDLE.withQueue(queue), JsonNodeFactory.instance.objectNode());
      cli.eval(
          "for i = 1000, 999 + tonumber(ARGV[1]) do"
              + " redis.call('HSET', KEYS[1] .. i, 't', 'dash-idle', 'a', '{}', 'n', '0',"
              + "  's', 'failed')"
              + " redis.call('ZADD', KEYS[2], tonumber(ARGV[2]) + i, i) end",
          ScriptOutputType.STATUS,
          new String[] {
            spool.namespace() + ":{" + queue + "}:job:", spool.namespace() + ":{" + queue + "}:dead"
          },
          Integer.toString(n),
          Long.toString(System.currentTimeMillis()));
    }

    @Override
    public void close() {
      client.shutdown();
      dashboard.close();
      spool.close();
      redis.close();
    }
  }

  private static void assertError(Http.Reply reply, int status, String message) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    assertThat(reply.json().get("error").asText()).contains(message);
  }

  private static JsonNode args(String name, String value) {
    return JsonNodeFactory.instance.objectNode().put(name, value);
  }

  private State state(JobId id) {
    return spool.statuses().findOrUnknown(id).state();
  }
}
