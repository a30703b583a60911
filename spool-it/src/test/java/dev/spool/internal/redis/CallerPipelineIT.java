package dev.spool.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.JobId;
import dev.spool.PartialEnqueueException;
import dev.spool.Spool;
import dev.spool.testkit.SpoolRedis;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Script calls pipelined on the caller's thread: answers in order, a bulk enqueue of several chunks
 * sent over one socket of its own, an emptied script cache refilled without reordering the chunks,
 * an error answer failing its own call only, and a broken or silent connection failing the calls in
 * flight as maybe run and the later ones as not sent.
 */
class CallerPipelineIT extends OwnSocketsTestBase {

  /** A pipeline over a socket of a pool made for the test, to watch its sockets. */
  CallerPipeline pipeline(String uri, Duration commandTimeout) {
    scripts = new CallerThreadScripts(RedisURI.create(uri), TIMEOUT, commandTimeout, timer);
    RespSocket socket = scripts.borrow();
    assertThat(socket).isNotNull();
    return new CallerPipeline(scripts, socket, uri);
  }

  CompletableFuture<Object> counts(CallerPipeline p, String queue) {
    return p.eval(
        Script.COUNTS, ScriptOutputType.MULTI, countsKeys(queue), ns + ":{" + queue + "}:");
  }

  /** Addresses of the connections named {@code name} whose last command matches {@code cmd}. */
  List<String> named(String name, String cmd) {
    return raw.clientList()
        .lines()
        .filter(l -> l.contains(" name=" + name + " ") && l.matches(".* cmd=(" + cmd + ") .*"))
        .map(l -> l.replaceAll(".*\\baddr=(\\S+).*", "$1"))
        .toList();
  }

  @Test
  void callsAreWrittenAtOnceAndTheirAnswersReadInOrderWhenAsked() {
    raw.rpush(ns + ":{a}:ready", "1");
    raw.rpush(ns + ":{b}:ready", "1", "2");
    try (CallerPipeline p = pipeline(redis.uri(), TIMEOUT)) {
      CompletableFuture<Object> a = counts(p, "a");
      CompletableFuture<Object> b = counts(p, "b");
      CompletableFuture<Object> c = counts(p, "c");
      assertThat(p.inFlight()).isEqualTo(3);
      assertThat(a).isNotDone();
      p.readUntil(b);
      assertThat(a).isCompletedWithValue(List.of(1L, 0L, 0L, 0L, 0L, -1L));
      assertThat(b).isCompletedWithValue(List.of(2L, 0L, 0L, 0L, 0L, -1L));
      assertThat(c).isNotDone();
      p.readUntil(c);
      assertThat(c).isCompletedWithValue(List.of(0L, 0L, 0L, 0L, 0L, -1L));
      assertThat(p.inFlight()).isZero();
    }
    assertThat(scripts.openSockets()).isEqualTo(1); // given back, not closed
    assertThat(scripts.idleSocketAddresses()).hasSize(1);
  }

  @Test
  void anEmptiedScriptCacheSendsEachSourceOnceAfterTheCallsInFlight() {
    try (CallerPipeline p = pipeline(redis.uri(), TIMEOUT)) {
      p.readUntil(counts(p, "a")); // the script is cached now
      raw.scriptFlush(); // what a restart or a failover to a replica does to the cache
      raw.rpush(ns + ":{b}:ready", "1", "2");
      List<CompletableFuture<Object>> calls =
          List.of(counts(p, "a"), counts(p, "b"), counts(p, "a"));
      p.readUntil(calls.get(2));
      assertThat(calls)
          .extracting(CompletableFuture::join)
          .containsExactly(
              List.of(0L, 0L, 0L, 0L, 0L, -1L),
              List.of(2L, 0L, 0L, 0L, 0L, -1L),
              List.of(0L, 0L, 0L, 0L, 0L, -1L));
      assertThat(raw.scriptExists(Script.COUNTS.sha())).containsExactly(true);
    }
  }

  @Test
  void anErrorAnswerFailsItsOwnCallOnly() {
    String q = ns + ":{e}:";
    String[] enqueueKeys = {q + "seq", q + "ready", q + "prio", q + "delayed", q + "signal"};
    try (CallerPipeline p = pipeline(redis.uri(), TIMEOUT)) {
      CompletableFuture<Object> before = counts(p, "a");
      // No arguments: the script's first command gets a nil count and Redis answers an error.
      CompletableFuture<Object> bad = p.eval(Script.ENQUEUE, ScriptOutputType.MULTI, enqueueKeys);
      CompletableFuture<Object> after = counts(p, "a");
      p.readUntil(after);
      p.readUntil(bad); // first sent by SHA: if Redis did not know it, its source went last
      assertThat(before).isCompletedWithValue(List.of(0L, 0L, 0L, 0L, 0L, -1L));
      assertThatThrownBy(bad::join)
          .hasCauseInstanceOf(RedisCommandExecutionException.class)
          .hasMessageContaining("ERR");
      assertThat(after).isCompletedWithValue(List.of(0L, 0L, 0L, 0L, 0L, -1L));
    }
    assertThat(scripts.idleSocketAddresses()).hasSize(1); // still in step, given back
  }

  @Test
  void aConnectionThatBreaksFailsTheCallsInFlightAsMaybeRunAndTheLaterOnesAsNotSent() {
    String name = ns + "-broken";
    try (CallerPipeline p = pipeline(redis.uri() + "?clientName=" + name, TIMEOUT)) {
      p.readUntil(counts(p, "a"));
      List<String> socket = named(name, ".*"); // the pipeline's own, the only one so named
      assertThat(socket).hasSize(1);
      raw.clientKill(socket.getFirst()); // as a restart, a failover or an operator would
      CompletableFuture<Object> inFlight = counts(p, "a"); // written into the closed connection
      p.readUntil(inFlight);
      assertThat(inFlight).isCompletedExceptionally();
      Throwable failure = inFlight.handle((v, e) -> e).join();
      assertThat(RedisConnection.mayHaveRun(failure)).isTrue();
      CompletableFuture<Object> later = counts(p, "a");
      assertThat(later).isCompletedExceptionally();
      Throwable notSent = later.handle((v, e) -> e).join();
      assertThat(notSent).isInstanceOf(RedisConnectionException.class);
      assertThat(RedisConnection.mayHaveRun(notSent)).isFalse();
    }
    assertThat(scripts.openSockets()).isZero(); // the broken socket was closed, not given back
  }

  @Test
  void aPipelineClosedWithAnswersUnreadClosesItsSocket() {
    CompletableFuture<Object> unread;
    try (CallerPipeline p = pipeline(redis.uri(), TIMEOUT)) {
      unread = counts(p, "a");
    }
    assertThat(unread).isCompletedExceptionally();
    assertThat(RedisConnection.mayHaveRun(unread.handle((v, e) -> e).join())).isTrue();
    assertThat(scripts.openSockets()).isZero(); // an answer still on its way: not reusable
  }

  @Test
  void noAnswerWithinTheTimeoutFailsTheCallsInFlightAsTimedOut() {
    try (SpoolRedis own = SpoolRedis.dedicated();
        CallerPipeline p = pipeline(own.uri(), Duration.ofMillis(300))) {
      p.readUntil(counts(p, "a"));
      own.pause();
      try {
        CompletableFuture<Object> first = counts(p, "a");
        CompletableFuture<Object> second = counts(p, "a");
        p.readUntil(second);
        for (CompletableFuture<Object> f : List.of(first, second)) {
          assertThatThrownBy(f::join)
              .isInstanceOf(CompletionException.class)
              .hasCauseInstanceOf(RedisCommandTimeoutException.class);
        }
        assertThat(scripts.openSockets()).isZero();
      } finally {
        own.resume();
      }
    }
  }

  @Test
  void aWriteThatRedisDoesNotReadEndsAtTheDeadlineAndItsCallIsNotSent() {
    String big = "x".repeat(2 << 20); // 2 MB: a few such calls fill the socket buffers
    try (SpoolRedis own = SpoolRedis.dedicated();
        CallerPipeline p = pipeline(own.uri(), Duration.ofMillis(300))) {
      p.readUntil(counts(p, "a"));
      own.pause(); // reads nothing now: a write blocks once the buffers are full
      List<CompletableFuture<Object>> calls;
      try {
        calls =
            IntStream.range(0, 8)
                .mapToObj(
                    i ->
                        p.eval(
                            Script.COUNTS,
                            ScriptOutputType.MULTI,
                            countsKeys("a"),
                            ns + ":{a}:",
                            big))
                .toList();
        p.readUntil(calls.getLast());
      } finally {
        own.resume();
      }
      // Every call ended: those written whole may have run, the one cut off and the later ones
      // were not sent.
      List<Boolean> mayHaveRun =
          calls.stream()
              .map(f -> RedisConnection.mayHaveRun(f.handle((v, e) -> e).join()))
              .toList();
      int firstNotSent = mayHaveRun.indexOf(false);
      assertThat(firstNotSent).isBetween(0, 7);
      assertThat(mayHaveRun.subList(0, firstNotSent)).doesNotContain(false);
      assertThat(mayHaveRun.subList(firstNotSent, 8)).doesNotContain(true);
      assertThat(calls.get(firstNotSent).handle((v, e) -> e).join())
          .isInstanceOf(RedisConnectionException.class)
          .hasCauseInstanceOf(java.net.SocketTimeoutException.class);
      assertThat(scripts.openSockets()).isZero();
    }
  }

  @Test
  void closingTheClientEndsAWaitForAnAnswer() throws Exception {
    try (SpoolRedis own = SpoolRedis.dedicated();
        CallerPipeline p = pipeline(own.uri(), Duration.ofHours(1))) { // no deadline would end it
      p.readUntil(counts(p, "a"));
      own.pause();
      try {
        CompletableFuture<Object> waiting = counts(p, "a");
        java.util.concurrent.ExecutorService reader =
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        java.util.concurrent.Future<?> read = reader.submit(() -> p.readUntil(waiting));
        scripts.close(); // as the client's close does, before or during the read
        read.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(waiting).isCompletedExceptionally();
        assertThat(RedisConnection.mayHaveRun(waiting.handle((v, e) -> e).join())).isTrue();
        assertThat(scripts.openSockets()).isZero();
        reader.shutdown();
      } finally {
        own.resume();
      }
    }
  }

  @Test
  void aBulkEnqueueOfSeveralChunksGoesOverOneSocketInOrder() {
    String name = ns + "-bulk";
    try (Spool spool =
        Spool.builder().redis(redis.uri() + "?clientName=" + name).namespace(ns).build()) {
      spool.enqueue(ITEM, new Item(-1)); // single: on the caller's thread, and the queue is known
      List<String> socket = named(name, "evalsha");
      assertThat(socket).hasSize(1);
      raw.scriptFlush(); // the pipelined chunks meet an empty cache: each is sent again, in order
      List<JobId> ids =
          spool.enqueueAll(ITEM, IntStream.range(0, 2_000).mapToObj(Item::new).toList());
      // The chunks went over the same socket, none over the shared connection (its last command
      // the queue's registration). The first four, in flight together, each met the empty cache
      // and were sent again by source, in order; the later ones by SHA.
      assertThat(named(name, "evalsha")).isEqualTo(socket);
      assertThat(named(name, "eval")).isEmpty();
      long first = ids.getFirst().number();
      assertThat(ids)
          .extracting(JobId::number)
          .containsExactlyElementsOf(IntStream.range(0, 2_000).mapToObj(i -> first + i).toList());
      assertThat(raw.lrange(ns + ":{work}:ready", 1, -1))
          .containsExactlyElementsOf(ids.stream().map(id -> Long.toString(id.number())).toList());
      assertThat(raw.hget(ns + ":{work}:job:" + (first + 1_234), "a")).isEqualTo("{\"n\":1234}");
    }
  }

  @Test
  void aBulkEnqueueToASilentRedisSaysWhichJobsMayHaveBeenQueuedAndWhichWereNot() {
    try (SpoolRedis own = SpoolRedis.dedicated();
        Spool spool =
            Spool.builder()
                .redis(own.uri())
                .namespace(ns)
                .commandTimeout(Duration.ofSeconds(1))
                .build()) {
      spool.enqueue(ITEM, new Item(-1));
      own.pause();
      PartialEnqueueException partial;
      try {
        partial =
            (PartialEnqueueException)
                org.assertj.core.api.Assertions.catchThrowable(
                    () ->
                        spool.enqueueAll(
                            ITEM, IntStream.range(0, 2_000).mapToObj(Item::new).toList()));
      } finally {
        own.resume();
      }
      // The chunks in flight when the answers stopped may have run; the later ones were not sent.
      assertThat(partial.enqueued()).isEmpty();
      assertThat(partial.maybeEnqueued()).hasSize(250 * 4);
      assertThat(partial.notEnqueued()).hasSize(2_000 - 250 * 4);
      assertThat(partial.notEnqueued().getFirst()).isEqualTo(250 * 4);
      // Once Redis answers again, the next bulk enqueue goes through.
      assertThat(spool.enqueueAll(ITEM, IntStream.range(0, 600).mapToObj(Item::new).toList()))
          .hasSize(600);
    }
  }
}
