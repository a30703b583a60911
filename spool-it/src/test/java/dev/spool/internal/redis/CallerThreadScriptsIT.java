package dev.spool.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spool.Spool;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Scripts sent on the caller's thread over blocking sockets: answers decoded as Lettuce decodes
 * them, the script cache refilled, a dead idle socket replaced, a late answer a timeout, and a
 * server it cannot reach left to the shared connection. Spool's enqueue paths run over it in every
 * other test against a standalone Redis.
 */
class CallerThreadScriptsIT extends OwnSocketsTestBase {

  CallerThreadScripts scripts(String uri, Duration checkIdle) {
    scripts = new CallerThreadScripts(RedisURI.create(uri), TIMEOUT, TIMEOUT, timer, checkIdle);
    return scripts;
  }

  /** Runs the counts script for the test's queue: {ready, delayed, processing, completed, dead}. */
  Object counts(CallerThreadScripts s) throws IOException {
    return s.eval(Script.COUNTS, countsKeys("q"), new String[] {ns + ":{q}:"});
  }

  @Test
  void answersAreDecodedAsLettuceDecodesThem() throws IOException {
    try (RespSocket socket = RespSocket.open(RedisURI.create(redis.uri()), TIMEOUT, timer)) {
      for (String script :
          List.of(
              "return {1, 'a', false, {2, 'b', {}}, -7}",
              "return {redis.status_reply('OK'), ARGV[1], ARGV[2], #ARGV}",
              "return {}")) {
        String[] args = {"ü€😀 \r\n", null};
        Object lettuce = raw.eval(script, ScriptOutputType.MULTI, new String[0], "ü€😀 \r\n", "");
        assertThat(socket.call(new String[] {"EVAL", script, "0"}, new String[0], args))
            .isEqualTo(lettuce);
      }
      assertThat(socket.call("PING")).isEqualTo("PONG");
      assertThat(socket.call("GET", ns + ":absent")).isNull();
    }
  }

  @Test
  void aCommandLargerThanItsBuffersGoesOutWhole() throws IOException {
    try (RespSocket socket = RespSocket.open(RedisURI.create(redis.uri()), TIMEOUT, timer)) {
      String big = "ab€".repeat(40_000); // 200 000 bytes: the buffers grow several times
      String[] many = new String[123]; // a three-digit argument count
      for (int i = 0; i < many.length; i++) {
        many[i] = i == 7 ? big : Integer.toString(i);
      }
      Object answer =
          socket.call(
              new String[] {"EVAL", "return {#ARGV, ARGV[8], ARGV[123]}", "0"},
              new String[0],
              many);
      assertThat(answer).isEqualTo(List.of(123L, big, "122"));
      assertThat(socket.call("ECHO", "")).isEqualTo(""); // a short one after it, in step
    }
  }

  @Test
  void anErrorAnswerEvenInsideAnArrayIsThrownAndTheSocketStaysInStep() throws IOException {
    try (RespSocket socket = RespSocket.open(RedisURI.create(redis.uri()), TIMEOUT, timer)) {
      String script = "return {1, redis.error_reply('ERR boom'), {3, 'x'}}";
      assertThatThrownBy(() -> socket.call("EVAL", script, "0"))
          .isInstanceOf(RedisCommandExecutionException.class)
          .hasMessage("ERR boom");
      assertThatThrownBy(() -> socket.call("NOSUCHCOMMAND"))
          .isInstanceOf(RedisCommandExecutionException.class)
          .hasMessageContaining("unknown command");
      assertThat(socket.call("ECHO", "still in step")).isEqualTo("still in step");
    }
  }

  @Test
  void itAuthenticatesAndSelectsTheDatabaseTheUriNames() throws IOException {
    String user = ns + "-user";
    raw.aclSetuser(
        user,
        io.lettuce.core.AclSetuserArgs.Builder.on().addPassword("s3cret").allKeys().allCommands());
    try (RespSocket socket =
        RespSocket.open(
            RedisURI.create(
                "redis://" + user + ":s3cret@" + redis.host() + ":" + redis.port() + "/3"),
            TIMEOUT,
            timer)) {
      assertThat(socket.call("ACL", "WHOAMI")).isEqualTo(user);
      socket.call("SET", ns + ":in-db-3", "yes");
    } finally {
      raw.aclDeluser(user);
    }
    raw.select(3);
    assertThat(raw.get(ns + ":in-db-3")).isEqualTo("yes");
    raw.del(ns + ":in-db-3");
  }

  @Test
  void aScriptRunsOnOneSocketThatIsReusedAndRefillsAnEmptiedScriptCache() throws IOException {
    CallerThreadScripts s = scripts(redis.uri(), Duration.ofMillis(250));
    raw.rpush(ns + ":{q}:ready", "1", "2");
    assertThat(counts(s)).isEqualTo(List.of(2L, 0L, 0L, 0L, 0L, -1L));
    raw.scriptFlush(); // what a restart or a failover to a replica does to the cache
    raw.rpush(ns + ":{q}:ready", "3");
    assertThat(counts(s)).isEqualTo(List.of(3L, 0L, 0L, 0L, 0L, -1L));
    assertThat(s.openSockets()).isEqualTo(1);
  }

  @Test
  void anIdleSocketThatRedisClosedIsReplacedBeforeTheCallIsSent() throws IOException {
    CallerThreadScripts s = scripts(redis.uri(), Duration.ZERO); // check every idle socket
    counts(s);
    for (String address : s.idleSocketAddresses()) {
      raw.clientKill(address); // as Redis's idle-client timeout, or an operator, would
    }
    raw.rpush(ns + ":{q}:ready", "1");
    assertThat(counts(s)).isEqualTo(List.of(1L, 0L, 0L, 0L, 0L, -1L));
    assertThat(s.openSockets()).isEqualTo(1);
  }

  @Test
  void noAnswerWithinTheTimeoutFailsAsTimedOutAndDropsTheSocket() throws IOException {
    try (SpoolRedis own = SpoolRedis.dedicated()) {
      scripts =
          new CallerThreadScripts(
              RedisURI.create(own.uri()), TIMEOUT, Duration.ofMillis(300), timer, Duration.ZERO);
      counts(scripts);
      own.pause();
      try {
        assertThatThrownBy(() -> counts(scripts)).isInstanceOf(SocketTimeoutException.class);
        assertThat(scripts.openSockets()).isZero();
      } finally {
        own.resume();
      }
      assertThat(counts(scripts)).isEqualTo(List.of(0L, 0L, 0L, 0L, 0L, -1L));
    }
  }

  @Test
  void aServerThatAcceptsButNeverAnswersTheHandshakeIsGivenUpAfterTheConnectTimeout()
      throws IOException {
    try (ServerSocket silent = new ServerSocket(0)) { // its backlog accepts; nothing ever answers
      RedisURI uri = RedisURI.create("redis://:pw@127.0.0.1:" + silent.getLocalPort());
      assertThatThrownBy(() -> RespSocket.open(uri, Duration.ofMillis(300), timer))
          .isInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void aServerItCannotReachLeavesTheCallUnsentForTheSharedConnection() throws IOException {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      closedPort = probe.getLocalPort();
    }
    CallerThreadScripts s = scripts("redis://127.0.0.1:" + closedPort, Duration.ZERO);
    assertThat(counts(s)).isSameAs(CallerThreadScripts.NOT_SENT);
    assertThat(s.openSockets()).isZero();
  }

  @Test
  void onlyPlainConnectionsToOneServerAreSupported() {
    assertThat(CallerThreadScripts.supports(RedisURI.create("redis://h:1/2"))).isTrue();
    assertThat(CallerThreadScripts.supports(RedisURI.create("rediss://h:1"))).isFalse();
    assertThat(CallerThreadScripts.supports(RedisURI.create("redis-sentinel://h:1#m"))).isFalse();
    assertThat(CallerThreadScripts.supports(RedisURI.create("redis-socket:///tmp/r.sock")))
        .isFalse();
  }

  /** The connections open now under a client name. */
  long connectionsNamed(String name) {
    return raw.clientList().lines().filter(l -> l.contains(" name=" + name + " ")).count();
  }

  @Test
  void aSpoolClientSendsItsSingleAndBulkEnqueuesOverOneSocketOnTheCallersThread() {
    String name = ns + "-client";
    String uri = redis.uri() + "?clientName=" + name;
    try (Spool spool = Spool.builder().redis(uri).namespace(ns).build()) {
      long shared = connectionsNamed(name);
      spool.enqueue(ITEM, new Item(1));
      assertThat(connectionsNamed(name)).isEqualTo(shared + 1);
      spool.enqueueAll(ITEM, IntStream.range(0, 1_000).mapToObj(Item::new).toList());
      assertThat(connectionsNamed(name)).isEqualTo(shared + 1); // one socket, reused
      // ... for every chunk: the shared connection's last command is still the queue's
      // registration, not a script call.
      assertThat(
              raw.clientList()
                  .lines()
                  .filter(l -> l.contains(" name=" + name + " ") && l.contains(" cmd=evalsha "))
                  .count())
          .isEqualTo(1);
      spool.enqueue(ITEM, new Item(2));
      assertThat(connectionsNamed(name)).isEqualTo(shared + 1);
      assertThat(raw.llen(ns + ":{work}:ready")).isEqualTo(1_002);
    }
    assertThat(connectionsNamed(name)).isZero();
  }

  @Test
  void aWorkerNodesFetchesAndAcksTakeSocketsOfTheirOwn() {
    long withSockets = connectionsOnceAWorkerRan("on", true);
    long sharedOnly = connectionsOnceAWorkerRan("off", false);
    // The fetcher and the acker each borrow a socket for a call and give it back: two when their
    // calls overlapped, else one shared in turn.
    assertThat(withSockets).isBetween(sharedOnly + 1, sharedOnly + 2);
  }

  @Test
  void anIntegerAnswerOnTheCallersThreadIsTheLongThatLettuceGives() {
    String name = ns + "-integer";
    try (RedisConnection redis =
        RedisConnection.open(CallerThreadScriptsIT.redis.uri() + "?clientName=" + name, TIMEOUT)) {
      long shared = connectionsNamed(name);
      // An acker's call with no successes in it: the number of jobs completed, 0.
      String q = ns + ":{q}:";
      String[] keys = {q + "active", q + "completed", q + "throughput:1"};
      String[] args = {q + "job:", "node-1", "1000000", "60", "1"};
      Object onSocket =
          redis.evalOnCallerThread(Script.COMPLETE, ScriptOutputType.INTEGER, keys, args).join();
      assertThat(connectionsNamed(name)).isEqualTo(shared + 1);
      Object viaLettuce = redis.eval(Script.COMPLETE, ScriptOutputType.INTEGER, keys, args).join();
      assertThat(onSocket).isInstanceOf(Long.class).isEqualTo(0L).isEqualTo(viaLettuce);
    }
  }

  @Test
  void aCallFromANettyEventLoopTakesTheSharedConnection() throws Exception {
    String name = ns + "-callback";
    io.netty.channel.DefaultEventLoop loop = new io.netty.channel.DefaultEventLoop();
    try (RedisConnection redis =
        RedisConnection.open(CallerThreadScriptsIT.redis.uri() + "?clientName=" + name, TIMEOUT)) {
      long shared = connectionsNamed(name);
      String[] keys = countsKeys("q");
      // A callback on an event loop (Lettuce's completing a future, say) must not block it on a
      // socket: the loop serves every other call meanwhile.
      Object answer =
          loop.submit(
                  () ->
                      redis
                          .evalOnCallerThread(
                              Script.COUNTS, ScriptOutputType.MULTI, keys, ns + ":{q}:")
                          .join())
              .get(TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      assertThat(answer).isEqualTo(List.of(0L, 0L, 0L, 0L, 0L, -1L));
      assertThat(connectionsNamed(name)).isEqualTo(shared);
      // From a thread of its own, the same call opens its socket.
      redis.evalOnCallerThread(Script.COUNTS, ScriptOutputType.MULTI, keys, ns + ":{q}:").join();
      assertThat(connectionsNamed(name)).isEqualTo(shared + 1);
    } finally {
      loop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }

  /** Connections of a client whose worker node ran 300 jobs, enqueued in bulk (shared). */
  private long connectionsOnceAWorkerRan(String label, boolean callerThread) {
    String name = ns + "-worker-" + label;
    if (!callerThread) {
      System.setProperty(RedisConnection.CALLER_THREAD_PROPERTY, "false");
    }
    try (Spool spool =
        Spool.builder().redis(redis.uri() + "?clientName=" + name).namespace(ns + label).build()) {
      spool.enqueueAll(ITEM, IntStream.range(0, 300).mapToObj(Item::new).toList());
      AtomicInteger ran = new AtomicInteger();
      spool.worker("node-" + label).handle(ITEM, (job, item) -> ran.incrementAndGet()).start();
      await().atMost(Duration.ofSeconds(10)).until(() -> ran.get() == 300);
      return connectionsNamed(name);
    } finally {
      System.clearProperty(RedisConnection.CALLER_THREAD_PROPERTY);
    }
  }

  @Test
  void aServerAtMaxclientsRefusesTheSocketAndTheCallGoesShared() {
    try (SpoolRedis own = SpoolRedis.dedicated();
        Spool spool = Spool.builder().redis(own.uri()).namespace(ns).build();
        RedisClient admin = RedisClient.create(own.uri());
        StatefulRedisConnection<String, String> adminConnection = admin.connect()) {
      RedisCommands<String, String> server = adminConnection.sync();
      long connected = server.clientList().lines().filter(l -> !l.isBlank()).count();
      server.configSet("maxclients", Long.toString(connected)); // no room for one more socket
      spool.enqueue(ITEM, new Item(1));
      spool.enqueue(ITEM, new Item(2));
      assertThat(server.llen(ns + ":{work}:ready")).isEqualTo(2);
      assertThat(server.clientList().lines().filter(l -> !l.isBlank()).count())
          .isEqualTo(connected);
    }
  }

  @Test
  void theSystemPropertyKeepsEveryCallOnTheSharedConnection() {
    String name = ns + "-client";
    System.setProperty(RedisConnection.CALLER_THREAD_PROPERTY, "false");
    try (Spool spool =
        Spool.builder().redis(redis.uri() + "?clientName=" + name).namespace(ns).build()) {
      long shared = connectionsNamed(name);
      spool.enqueue(ITEM, new Item(1));
      assertThat(connectionsNamed(name)).isEqualTo(shared);
    } finally {
      System.clearProperty(RedisConnection.CALLER_THREAD_PROPERTY);
    }
  }
}
