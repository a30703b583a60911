package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.internal.redis.RedisConnection;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Redis outage under a running worker is logged once when it starts and once when it ends, not as
 * a warning from every thread for every failed call (slf4j-simple writes to System.err, which this
 * test reads).
 */
class OutageLogIT {
  SpoolRedis redis;
  Fixtures f;
  CapturedErr err;

  @BeforeEach
  void setUp() {
    redis = SpoolRedis.dedicated();
    f = new Fixtures(redis.uri());
    err = new CapturedErr();
  }

  @AfterEach
  void tearDown() {
    err.close();
    f.close();
    redis.close();
  }

  /**
   * Spool's own lines at a level. Lettuce logs each reconnect attempt of each connection itself
   * (ConnectionWatchdog); the spool command turns that logger down, an application may too.
   */
  private List<String> lines(String level) {
    return err.lines(level, "").stream().filter(l -> !l.contains("ConnectionWatchdog")).toList();
  }

  /**
   * Three seconds of outage with at most two warnings (one failure may be logged before the outage
   * is known, when two threads fail at the same moment), then Redis back and that logged.
   */
  private void warningsStayFewThenRedisComesBack(Runnable comeBack) {
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() -> lines("WARN").size() <= 2);
    comeBack.run();
    await().atMost(Duration.ofSeconds(20)).until(() -> err.text().contains(" is back after "));
  }

  /** The outage's one warning (at most one more, as above) and its end at INFO. */
  private void assertLoggedOnceAndItsEnd(String warning) {
    List<String> warnings = lines("WARN");
    assertThat(warnings)
        .as("warnings: %s", warnings)
        .anySatisfy(l -> assertThat(l).contains(warning))
        .hasSizeLessThanOrEqualTo(2);
    assertThat(lines("INFO"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .containsPattern("is back after \\d+ ms \\(\\d+ background calls failed"));
  }

  @Test
  void anOutageIsLoggedOnceAndItsEndAtInfo() {
    f.worker("outage-node").queues("work").handle(NOOP, (job, a) -> {}).start();

    redis.stop();
    // Without Redis, fetch, heartbeat, reaping and staging all fail meanwhile.
    warningsStayFewThenRedisComesBack(redis::start);

    assertLoggedOnceAndItsEnd("lost the connection to Redis at");
  }

  @Test
  void aRedisThatStopsAnsweringIsLoggedOnceAndItsAnswerAgainAtInfo() {
    try (Spool impatient =
        Spool.builder()
            .redis(redis.uri())
            .namespace(f.namespace)
            .commandTimeout(Duration.ofMillis(500))
            .build()) {
      impatient
          .worker("stalled-node")
          .lease(Duration.ofSeconds(2))
          .queues("work")
          .handle(NOOP, (job, a) -> {})
          .start();
      await().atMost(Duration.ofSeconds(10)).until(() -> blockedAddresses(f.redis()).size() > 0);

      redis.pause(); // SIGSTOP: the connections stand, nothing answers
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> err.text().contains("does not answer"));
        // Heartbeats, fetches, reaping and staging all time out meanwhile.
        warningsStayFewThenRedisComesBack(redis::resume);
      } finally {
        redis.resume(); // again, harmless, if the wait above failed before it
      }

      assertLoggedOnceAndItsEnd("does not answer (a call timed out)");
    }
  }

  @Test
  void aRedisBusyWithALongScriptIsLoggedOnceAndItsAnswerAgainAtInfo() {
    f.worker("busy-node")
        .lease(Duration.ofSeconds(2)) // heartbeats a few times a second
        .queues("work")
        .handle(NOOP, (job, a) -> {})
        .start();
    var raw = f.redis();
    await().atMost(Duration.ofSeconds(10)).until(() -> !blockedAddresses(raw).isEmpty());
    raw.configSet("lua-time-limit", "100"); // BUSY to every other call after 100 ms

    // A script of another client that runs 5 s: every call of the node meanwhile is refused
    // with BUSY, which is no outage of the connection, and no reason for a warning each.
    try (RedisClient client = RedisClient.create(redis.uri())) {
      client
          .connect()
          .async()
          .eval(
              "local function us() local t = redis.call('TIME')"
                  + " return t[1] * 1000000 + t[2] end"
                  + " local start = us() while us() - start < 5000000 do end return 1",
              ScriptOutputType.INTEGER);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> err.text().contains("refuses every call (BUSY"));
      // To a caller too, Redis is away for now (a dashboard shows an outage, not a 500), and the
      // job was not queued: enqueuing it again is safe.
      assertThatThrownBy(() -> f.spool.monitor().counts("work"))
          .isInstanceOf(SpoolConnectionException.class)
          .hasMessageContaining("does not serve calls now (BUSY");
      assertThatThrownBy(() -> f.spool.enqueue(NOOP, new Noop(7)))
          .isInstanceOf(SpoolConnectionException.class)
          .hasMessageContaining("BUSY");
      warningsStayFewThenRedisComesBack(() -> {}); // the script ends by itself

      assertLoggedOnceAndItsEnd("refuses every call (BUSY: a script runs past its time limit)");
    }
  }

  /**
   * The wait for new jobs on a Lettuce connection of its own (TLS, Sentinel) drops while the shared
   * connection stands: the failure reads as a lost connection, and the outage it starts is ended by
   * a PING, not by a reconnect of the shared connection that never comes (it stayed "down", every
   * later warning at DEBUG).
   */
  @Test
  void aDroppedWaitConnectionAloneIsAnOutageThatEnds() {
    var raw = f.redis();
    System.setProperty(RedisConnection.CALLER_THREAD_PROPERTY, "false");
    try (Spool lettuce = Spool.builder().redis(redis.uri()).namespace(f.namespace).build()) {
      lettuce.worker("wait-node").queues("work").handle(NOOP, (job, a) -> {}).start();
      // Connected over a second ago: a failure just after a (re)connect counts as none.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () ->
                  raw.clientList()
                      .lines()
                      .anyMatch(
                          l ->
                              l.matches(".* flags=\\S*b\\S* .*")
                                  && !l.contains(" age=0 ")
                                  && !l.contains(" age=1 ")));

      // Killed again until the loss shows: between two waits the connection is not blocked, and
      // a kill then finds nothing to cut (a loaded machine made that window likely enough).
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                if (err.text().contains("lost the connection to Redis")) {
                  return true;
                }
                blockedAddresses(raw).forEach(raw::clientKill);
                return false;
              });
      await().atMost(Duration.ofSeconds(10)).until(() -> err.text().contains(" is back after "));
    } finally {
      System.clearProperty(RedisConnection.CALLER_THREAD_PROPERTY);
    }
  }

  @Test
  void anOutcomeThatCannotBeRecordedDuringAnOutageIsNoWarningOfItsOwn() throws Exception {
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch finish = new java.util.concurrent.CountDownLatch(1);
    f.worker("acker-node")
        .lease(Duration.ofSeconds(30))
        .queues("work")
        .handle(
            NOOP,
            (job, a) -> {
              started.countDown();
              finish.await();
            })
        .start();
    f.spool.enqueue(NOOP, new Fixtures.Noop(1));
    assertThat(started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

    redis.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> err.text().contains("lost the connection"));
    // The job ends while Redis is away: its outcome is tried again and again (100 ms, 200 ms,
    // 400 ms... apart), each failure at DEBUG, not as a warning.
    finish.countDown();
    warningsStayFewThenRedisComesBack(redis::start);

    List<String> warnings = lines("WARN");
    assertThat(warnings)
        .as("warnings: %s", warnings)
        .noneSatisfy(l -> assertThat(l).contains("could not record"))
        .hasSizeLessThanOrEqualTo(2);
  }

  @Test
  void aWaitForNewJobsThatRedisKeepsRefusingIsOneWarningAndTheNodeRecovers() {
    var raw = f.redis();
    java.util.concurrent.atomic.AtomicInteger ran = new java.util.concurrent.atomic.AtomicInteger();
    f.worker("refused-node").queues("work").handle(NOOP, (job, a) -> ran.incrementAndGet()).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> !blockedAddresses(raw).isEmpty());
    String maxclients = raw.configGet("maxclients").get("maxclients");
    long rejectedBefore = rejectedConnections(raw);
    // The node's wait socket dropped, and no room left for another client: its every reopen is
    // refused ("max number of clients reached") while the node's other connections go on.
    raw.configSet("maxclients", Long.toString(raw.clientList().lines().count() - 1));
    try {
      blockedAddresses(raw).forEach(raw::clientKill);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> rejectedConnections(raw) >= rejectedBefore + 4);
    } finally {
      raw.configSet("maxclients", maxclients);
    }
    List<String> warnings =
        lines("WARN").stream().filter(l -> l.contains("the wait for new jobs failed")).toList();
    assertThat(warnings).as("warnings: %s", lines("WARN")).hasSize(1);
    f.spool.enqueue(NOOP, new Fixtures.Noop(1)); // the wait is back, or its bound passes
    await().atMost(Duration.ofSeconds(20)).until(() -> ran.get() == 1);
  }

  /** The addresses of the clients blocked now (the node's wait for new jobs). */
  private static List<String> blockedAddresses(
      io.lettuce.core.api.sync.RedisCommands<String, String> raw) {
    return raw.clientList()
        .lines()
        .filter(l -> l.matches(".* flags=\\S*b\\S* .*"))
        .map(l -> l.replaceAll("^.* addr=(\\S+) .*$", "$1"))
        .toList();
  }

  private static long rejectedConnections(
      io.lettuce.core.api.sync.RedisCommands<String, String> raw) {
    return raw.info("stats")
        .lines()
        .filter(l -> l.startsWith("rejected_connections:"))
        .mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).strip()))
        .sum();
  }

  @Test
  void closingSpoolIsNoOutage() {
    Spool other = Spool.builder().redis(redis.uri()).namespace(f.namespace).build();
    other.worker("closing-node").queues("work").handle(NOOP, (job, a) -> {}).start();

    other.close();

    assertThat(err.text()).doesNotContain("lost the connection");
  }
}
