package dev.spool.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.spool.Spool;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An idle node's wait for new jobs on a blocking socket of its own: woken by a wake-up element
 * (which it takes), ended by unblock, close and interrupt from other threads, and opened again
 * after Redis dropped it, between waits or during one.
 */
class SocketSignalWaitIT extends OwnSocketsTestBase {
  // Far longer than any test waits: a wait that returns did so because of what the test did.
  static final long BLOCK_SECONDS = 120;

  @BeforeEach
  void openSockets() {
    scripts = new CallerThreadScripts(RedisURI.create(namedUri()), TIMEOUT, TIMEOUT, timer);
  }

  /** The test's Redis, its connections named after the test's namespace. */
  String namedUri() {
    return redis.uri() + "?clientName=" + ns;
  }

  SocketSignalWait open(String... lists) throws IOException {
    return new SocketSignalWait(scripts, List.of(lists), BLOCK_SECONDS);
  }

  /**
   * Starts {@code wait.await()} on a thread of its own and returns once it is blocked in Redis: on
   * a connection not blocked before (one that was may still be listed a moment after it closed).
   */
  CompletableFuture<Void> waiting(SocketSignalWait wait) {
    List<String> blockedBefore = blockedAddresses();
    CompletableFuture<Void> done = awaitOnAThreadOfItsOwn(wait).done();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !blockedBefore.containsAll(blockedAddresses()));
    return done;
  }

  /** A thread that runs one wait, and the wait's end: done when it returns, or its failure. */
  record Waiter(Thread thread, CompletableFuture<Void> done) {}

  static Waiter awaitOnAThreadOfItsOwn(SocketSignalWait wait) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread thread =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try {
                    wait.await();
                    done.complete(null);
                  } catch (Throwable e) {
                    done.completeExceptionally(e);
                  }
                });
    return new Waiter(thread, done);
  }

  /** Runs {@code wait.await()}, which must return long before its bound. */
  static void awaitReturns(SocketSignalWait wait) {
    assertTimeoutPreemptively(Duration.ofSeconds(20), wait::await);
  }

  /** How many of the test's connections are blocked in a BLPOP now. */
  long blockedClients() {
    return blockedAddresses().size();
  }

  /** The Redis addresses of the test's connections blocked in a BLPOP now. */
  List<String> blockedAddresses() {
    return raw.clientList()
        .lines()
        // Blocked now (flag b); cmd= names the last command, also after it returned.
        .filter(l -> l.contains(" name=" + ns + " ") && l.matches(".* flags=\\S*b\\S* .*"))
        .map(l -> l.replaceAll("^.* addr=(\\S+) .*$", "$1"))
        .toList();
  }

  @Test
  void aWakeUpElementOnAnyOfItsListsEndsTheWaitAndIsTaken() throws Exception {
    try (SocketSignalWait wait = open(ns + ":a", ns + ":b")) {
      for (String list : List.of(ns + ":b", ns + ":a")) {
        CompletableFuture<Void> done = waiting(wait);
        assertThat(done).isNotDone();
        raw.rpush(list, "1");
        done.get(10, TimeUnit.SECONDS);
        assertThat(raw.llen(list)).isZero();
      }
      assertThat(blockedClients()).isZero();
    }
  }

  @Test
  void anElementAlreadyThereEndsTheWaitAtOnce() throws Exception {
    try (SocketSignalWait wait = open(ns + ":a")) {
      raw.rpush(ns + ":a", "1");
      awaitReturns(wait);
      assertThat(raw.llen(ns + ":a")).isZero();
    }
  }

  @Test
  void theWaitEndsAtItsBoundWithNothingPushed() throws Exception {
    try (SocketSignalWait wait = new SocketSignalWait(scripts, List.of(ns + ":a"), 1)) {
      wait.await(); // returns: BLPOP's own timeout answered nil
      raw.rpush(ns + ":a", "1");
      wait.await(); // the socket is still in step
      assertThat(raw.llen(ns + ":a")).isZero();
    }
  }

  @Test
  void unblockFromAnotherThreadEndsAWaitAndTheNextWaitOpensAnotherSocket() throws Exception {
    try (SocketSignalWait wait = open(ns + ":a")) {
      CompletableFuture<Void> done = waiting(wait);
      wait.unblock();
      done.get(10, TimeUnit.SECONDS); // ended without an error
      CompletableFuture<Void> next = waiting(wait);
      assertThat(next).isNotDone();
      raw.rpush(ns + ":a", "1");
      next.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void closeEndsAWaitAndLaterWaitsReturnAtOnce() throws Exception {
    SocketSignalWait wait = open(ns + ":a");
    CompletableFuture<Void> done = waiting(wait);
    wait.close();
    done.get(10, TimeUnit.SECONDS);
    awaitReturns(wait); // closed: nothing to wait for
    // Redis learns of the closed socket on its own time: the blocked client goes soon after.
    await().atMost(Duration.ofSeconds(5)).until(() -> blockedClients() == 0);
  }

  @Test
  void anInterruptEndsTheWaitAsInterrupted() throws Exception {
    try (SocketSignalWait wait = open(ns + ":a")) {
      List<String> blockedBefore = blockedAddresses();
      Waiter waiter = awaitOnAThreadOfItsOwn(wait);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !blockedBefore.containsAll(blockedAddresses()));
      waiter.thread().interrupt();
      assertThatThrownBy(() -> waiter.done().get(10, TimeUnit.SECONDS))
          .hasCauseInstanceOf(InterruptedException.class);
    }
  }

  @Test
  void aSocketKilledBetweenWaitsIsReplacedWithoutAFailure() throws Exception {
    try (SocketSignalWait wait = open(ns + ":a")) {
      CompletableFuture<Void> first = waiting(wait);
      List<String> mine = blockedAddresses();
      raw.rpush(ns + ":a", "1");
      first.get(10, TimeUnit.SECONDS);
      mine.forEach(raw::clientKill); // idle now, between two waits
      CompletableFuture<Void> second = waiting(wait);
      assertThat(second).isNotDone();
      raw.rpush(ns + ":a", "2");
      second.get(10, TimeUnit.SECONDS);
      assertThat(raw.llen(ns + ":a")).isZero();
    }
  }

  @Test
  void aSocketKilledDuringAWaitIsReplacedAndTheWaitGoesOn() throws Exception {
    try (SocketSignalWait wait = open(ns + ":a")) {
      CompletableFuture<Void> done = waiting(wait);
      List<String> first = blockedAddresses();
      first.forEach(raw::clientKill);
      // The wait goes on, on a fresh socket, until the element comes.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !blockedAddresses().isEmpty() && !blockedAddresses().equals(first));
      assertThat(done).isNotDone();
      raw.rpush(ns + ":a", "1");
      done.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRedisThatIsGoneFailsTheWaitAndOneThatIsBackServesTheNext() throws Exception {
    try (SpoolRedis own = SpoolRedis.dedicated()) {
      CallerThreadScripts ownSockets =
          new CallerThreadScripts(RedisURI.create(own.uri()), TIMEOUT, TIMEOUT, timer);
      RedisClient ownClient = RedisClient.create(own.uri());
      try (SocketSignalWait wait =
          new SocketSignalWait(ownSockets, List.of(ns + ":a"), BLOCK_SECONDS)) {
        own.stop();
        assertThatThrownBy(wait::await)
            .isInstanceOf(RedisConnectionException.class)
            .hasMessageContaining("new jobs");
        own.start();
        RedisCommands<String, String> ownRaw = ownClient.connect().sync();
        ownRaw.rpush(ns + ":a", "1");
        awaitReturns(wait); // a fresh socket, and the element there
        assertThat(ownRaw.llen(ns + ":a")).isZero();
      } finally {
        ownClient.shutdown();
        ownSockets.close();
      }
    }
  }

  @Test
  void aNodeOnAPlainServerWaitsOnASocketAndOnLettuceWhenCallerThreadCallsAreOff() {
    assertThat(waitOfANode()).isInstanceOf(SocketSignalWait.class);
    System.setProperty(RedisConnection.CALLER_THREAD_PROPERTY, "false");
    try {
      assertThat(waitOfANode()).isInstanceOf(ServerSignalWait.class);
    } finally {
      System.clearProperty(RedisConnection.CALLER_THREAD_PROPERTY);
    }
  }

  @Test
  void anIdleWorkerNodeRunsEachJobEnqueuedWhileItWaitsOnItsSocket() {
    try (Spool spool = Spool.builder().redis(namedUri()).namespace(ns).build()) {
      AtomicInteger ran = new AtomicInteger();
      spool.worker("node-1").handle(ITEM, (job, item) -> ran.incrementAndGet()).start();
      for (int i = 1; i <= 3; i++) {
        await().atMost(Duration.ofSeconds(10)).until(() -> blockedClients() == 1); // idle, waiting
        spool.enqueue(ITEM, new Item(i));
        int n = i;
        await().atMost(Duration.ofSeconds(10)).until(() -> ran.get() == n);
      }
    }
  }

  @Test
  void aWaitWhoseReconnectHangsIsEndedByUnblockAtOnce() throws Exception {
    // A server that answers the first connection's PING and drops it at its BLPOP, then accepts
    // a second connection and never answers: the wait's fresh try hangs in its handshake, as it
    // would against a Redis behind a network that drops packets.
    try (ServerSocket server = new ServerSocket(0)) {
      CountDownLatch secondAccepted = new CountDownLatch(1);
      List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread.ofPlatform()
          .daemon()
          .start(
              () -> {
                try (Socket first = server.accept()) {
                  var in = first.getInputStream();
                  readUntil(in, "PING");
                  first.getOutputStream().write("+PONG\r\n".getBytes());
                  readUntil(in, "BLPOP");
                } catch (IOException e) {
                  return;
                }
                try {
                  held.add(server.accept());
                  secondAccepted.countDown();
                } catch (IOException e) {
                  // the test ended
                }
              });
      CallerThreadScripts toServer =
          new CallerThreadScripts(
              RedisURI.create("redis://127.0.0.1:" + server.getLocalPort()),
              Duration.ofSeconds(120), // far longer than the test waits
              TIMEOUT,
              timer);
      try (SocketSignalWait wait =
          new SocketSignalWait(toServer, List.of(ns + ":a"), BLOCK_SECONDS)) {
        CompletableFuture<Void> done = awaitOnAThreadOfItsOwn(wait).done();
        assertThat(secondAccepted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(done).isNotDone(); // in the fresh try's handshake
        wait.unblock();
        done.get(10, TimeUnit.SECONDS); // ended, not left to the 120 s connect timeout
      } finally {
        toServer.close();
        for (Socket s : held) {
          s.close();
        }
      }
    }
  }

  /** Reads from {@code in} until {@code word} went by. */
  private static void readUntil(java.io.InputStream in, String word) throws IOException {
    StringBuilder seen = new StringBuilder();
    for (int b; (b = in.read()) != -1; ) {
      seen.append((char) b);
      if (seen.indexOf(word) >= 0) {
        return;
      }
    }
    throw new IOException("closed before " + word);
  }

  private SignalWait waitOfANode() {
    try (RedisConnection connection = RedisConnection.open(redis.uri(), TIMEOUT)) {
      SignalWait wait = connection.openSignalWait(List.of(ns + ":a"), 1);
      wait.close();
      return wait;
    }
  }
}
