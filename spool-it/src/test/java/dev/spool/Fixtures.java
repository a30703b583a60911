package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.redis.Keys;
import dev.spool.internal.redis.RedisConnection;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Test data and a fresh {@link Spool} per test, each in a namespace of its own. */
final class Fixtures implements AutoCloseable {
  record Noop(int n) {}

  record Greeting(String to, String text) {}

  static final JobType<Noop> NOOP = JobType.of("noop", Noop.class).withQueue("work");
  static final JobType<Greeting> GREET = JobType.of("greet", Greeting.class).withQueue("work");

  private final String uri;
  private final List<AutoCloseable> open = new ArrayList<>();
  private RedisCommands<String, String> commands;
  private RedisConnection connection;
  final String namespace = SpoolRedis.namespace();
  final Spool spool;

  Fixtures(SpoolRedis redis) {
    this(redis.uri());
  }

  Fixtures(String uri) {
    this.uri = uri;
    this.spool = Spool.builder().redis(uri).namespace(namespace).build();
    open.add(spool);
  }

  /** A worker with a short lease and shutdown timeout, so tests about leases stay quick. */
  Worker.Builder worker(String name) {
    return spool.worker(name).lease(Duration.ofMillis(900)).shutdownTimeout(Duration.ofSeconds(2));
  }

  /** A plain Lettuce connection, for looking at (or corrupting) what Spool wrote. */
  synchronized RedisCommands<String, String> redis() {
    if (commands == null) {
      RedisClient client = RedisClient.create(uri);
      StatefulRedisConnection<String, String> connection = client.connect();
      open.add(0, client::shutdown);
      open.add(0, connection);
      commands = connection.sync();
    }
    return commands;
  }

  /** A Spool connection of its own, closed with the fixtures: for tests that drive the store. */
  synchronized RedisConnection connection() {
    if (connection == null) {
      connection = RedisConnection.open(uri, Duration.ofSeconds(10));
      open.add(0, connection);
    }
    return connection;
  }

  /**
   * The job store of this test's namespace on {@link #connection()}, with Spool's default retention
   * (7 days; the dead set's 10 000 jobs and 180 days): for tests that drive the scripts directly.
   */
  RedisJobStore jobStore() {
    return new RedisJobStore(
        connection(), new Keys(namespace), Duration.ofDays(7), 10_000, Duration.ofDays(180), true);
  }

  /** The keys of a queue in this test's namespace. */
  Keys.QueueKeys queueKeys(String queue) {
    return new Keys(namespace).queue(queue);
  }

  String jobKey(JobId id) {
    return namespace + ":{" + id.queue() + "}:job:" + id.number();
  }

  /**
   * What a handler that never finishes on its own does: it blocks until its thread is interrupted
   * (a timeout, a kill, a shutdown), then throws InterruptedException.
   */
  static void untilInterrupted() throws InterruptedException {
    new CountDownLatch(1).await();
  }

  /**
   * A node that dies holding jobs: it starts {@code jobs} jobs of {@code type}, whose handlers run
   * until interrupted, then halts as a crash would, leaving their leases to expire.
   */
  static <A> void crashHolding(Worker.Builder node, JobType<A> type, int jobs)
      throws InterruptedException {
    CountDownLatch held = new CountDownLatch(jobs);
    Worker doomed =
        node.concurrency(jobs)
            .handle(
                type,
                (job, a) -> {
                  held.countDown();
                  untilInterrupted();
                })
            .start();
    assertThat(held.await(10, TimeUnit.SECONDS)).as("jobs held before the crash").isTrue();
    doomed.halt();
  }

  static List<Noop> noops(int n) {
    List<Noop> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(new Noop(i));
    }
    return list;
  }

  @Override
  public void close() {
    for (AutoCloseable c : open) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing " + c + " failed", e);
      }
    }
  }

  /** How many bytes Redis has sent to its clients so far (INFO stats): what a read cost. */
  static long netOutputBytes(RedisCommands<String, String> redis) {
    return redis
        .info("stats")
        .lines()
        .filter(l -> l.startsWith("total_net_output_bytes:"))
        .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).strip()))
        .sum();
  }
}
