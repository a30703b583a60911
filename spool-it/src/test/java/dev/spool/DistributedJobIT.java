package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DistributedJobIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() throws Exception {
    f.close();
  }

  @Test
  void pushEachNumbersThePartsAndHandsEveryItemOut() {
    DistributedJob dj = f.spool.distributedJob("days");
    List<String> seen = new ArrayList<>();
    dj.pushEach(List.of("mon", "tue", "wed"), (day, part) -> seen.add(day + "=" + part));
    assertThat(seen).containsExactly("mon=0", "tue=1", "wed=2");
    assertThat(dj.total()).isEqualTo(3);
    assertThat(dj.count()).isEqualTo(3);
    assertThat(dj.isFinished()).isFalse();
    assertThat(dj.openParts().collect(Collectors.toSet())).containsExactlyInAnyOrder("0", "1", "2");
    assertThat(dj.token()).isEqualTo("days");
  }

  @Test
  void theJobIsClosedBeforeTheLastPartIsHandedOut() {
    DistributedJob dj = f.spool.distributedJob("closing");
    List<Boolean> results = new ArrayList<>();
    // Each part is done the moment it is handed out, as a fast worker would.
    dj.pushEach(IntStream.range(0, 2500).boxed(), (n, part) -> results.add(dj.done(part)));
    assertThat(results).hasSize(2500);
    assertThat(results.subList(0, 2499)).containsOnly(false);
    assertThat(results.getLast()).as("the last done knows the job is complete").isTrue();
    assertThat(dj.isFinished()).isTrue();
  }

  @Test
  void doneIsTrueExactlyOnceAndIgnoresUnknownOrRepeatedParts() {
    DistributedJob dj = f.spool.distributedJob("once");
    dj.pushEach(List.of("a", "b").iterator(), (x, part) -> {});
    assertThat(dj.done("7")).as("unknown part").isFalse();
    assertThat(dj.count()).isEqualTo(2);
    assertThat(dj.done("0")).isFalse();
    assertThat(dj.done("0")).as("already done").isFalse();
    assertThat(dj.finishedBy()).isEmpty();
    assertThat(dj.done("1")).isTrue();
    assertThat(dj.done("1")).isFalse();
    assertThat(dj.count()).isZero();
    assertThat(dj.total()).isEqualTo(2);
  }

  @Test
  void thePartThatFinishedTheJobFindsItOutWhenItRunsAgain() {
    // Its node died after done() said true and before the report was enqueued (or the answer was
    // lost): the part runs again, gets false, and must not find the job's end gone for good.
    DistributedJob dj = f.spool.distributedJob("rerun");
    dj.pushEach(List.of("a", "b"), (x, part) -> {});
    assertThat(dj.done("0")).isFalse();
    assertThat(dj.done("1")).isTrue();

    assertThat(dj.done("1")).as("the same part, run again").isFalse();
    assertThat(dj.finishedBy()).contains("1");
    assertThat(f.spool.distributedJob("rerun").finishedBy()).as("from any client").contains("1");
  }

  @Test
  void aClosedJobTakesNoMoreParts() {
    // A pusher run again after it closed the job (its node died before its outcome was
    // recorded) must not reopen parts already done: the job would end a second time.
    DistributedJob dj = f.spool.distributedJob("closed");
    dj.pushEach(List.of("a", "b"), (x, part) -> {});
    assertThat(dj.done("0")).isFalse();
    assertThat(dj.done("1")).isTrue();

    List<String> handedOut = new java.util.ArrayList<>();
    dj.pushEach(List.of("a", "b"), (x, part) -> handedOut.add(part));

    assertThat(dj.total()).isEqualTo(2);
    assertThat(dj.count()).isZero();
    assertThat(dj.isFinished()).isTrue();
    assertThat(dj.done("0")).isFalse();
  }

  @Test
  void aStateKeyOfAnotherTypeIsReportedInWordsAndNoPartLeavesTheOpenSet() {
    DistributedJob dj = f.spool.distributedJob("garbled");
    dj.pushEach(List.of("a", "b").iterator(), (x, part) -> {});
    String state = f.namespace + ":{dj:garbled}:state";
    f.redis().del(state);
    f.redis().set(state, "garbage");

    assertThatThrownBy(() -> dj.done("0"))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("the state of distributed job " + state + " is not a hash");
    assertThat(dj.count()).isEqualTo(2);
  }

  /** A total that is no integer refuses the push before any part is added, never half of it. */
  @ParameterizedTest
  @ValueSource(strings = {"many", "007", "123456789012345678901"})
  void aCorruptTotalRefusesAPushBeforeAnyPartIsAdded(String total) {
    DistributedJob dj = f.spool.distributedJob("miscounted");
    dj.pushEach(List.of("a", "b").iterator(), (x, part) -> {});
    String state = f.namespace + ":{dj:miscounted}:state";
    f.redis().hset(state, "total", total);

    assertThatThrownBy(() -> dj.pushEach(List.of("c").iterator(), (x, part) -> {}))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining(
            "the state of distributed job " + state + " is corrupt (total \"" + total + "\")");
    assertThat(dj.count()).isEqualTo(2);
  }

  @Test
  void pushingTheSamePartsAgainDoesNotGrowTheTotal() {
    DistributedJob dj = f.spool.distributedJob("twice");
    dj.pushEach(List.of(1, 2, 3), (x, part) -> {});
    dj.pushEach(List.of(1, 2, 3), (x, part) -> {});
    assertThat(dj.total()).isEqualTo(3);
    assertThat(dj.count()).isEqualTo(3);
  }

  @Test
  void anEmptySourceGivesAFinishedJob() {
    DistributedJob dj = f.spool.distributedJob("empty");
    dj.pushEach(List.of(), (x, part) -> {});
    assertThat(dj.isFinished()).isTrue();
    assertThat(dj.total()).isZero();
  }

  @Test
  void aMillionLazyItemsArePushedWithoutMaterialisingThem() {
    DistributedJob dj = f.spool.distributedJob("million");
    AtomicLong handed = new AtomicLong();
    AtomicLong produced = new AtomicLong();
    Stream<Long> lazy =
        Stream.iterate(0L, n -> n + 1).peek(n -> produced.incrementAndGet()).limit(1_000_000);
    dj.pushEach(
        lazy,
        (n, part) -> {
          // At most one batch (and the one item that tells whether more follow) ahead.
          assertThat(produced.get() - handed.get())
              .isLessThanOrEqualTo(DistributedJob.PUSH_BATCH + 1);
          handed.incrementAndGet();
        });
    assertThat(handed).hasValue(1_000_000);
    assertThat(dj.total()).isEqualTo(1_000_000);
    assertThat(dj.openParts().count()).isEqualTo(1_000_000);
  }

  @Test
  void stopIsSeenByEveryone() {
    DistributedJob dj = f.spool.distributedJob("stoppable");
    assertThat(dj.isStopped()).isFalse();
    dj.stop();
    assertThat(f.spool.distributedJob("stoppable").isStopped()).isTrue();
  }

  /**
   * As in distributed_job, stop() only marks the job for the parts that ask; done() works as
   * before: parts that finish after it count, and the last one's done is still true.
   */
  @Test
  void stopChangesNothingAboutDone() {
    DistributedJob dj = f.spool.distributedJob("stopped-midway");
    dj.pushEach(List.of("a", "b", "c"), (x, part) -> {});
    assertThat(dj.done("0")).isFalse();
    dj.stop(); // say part "1" failed and stopped the job
    assertThat(dj.done("2")).as("a part that was running finishes").isFalse();
    assertThat(dj.isFinished()).isFalse();
    assertThat(dj.openParts()).containsExactly("1");
    assertThat(dj.done("1")).isTrue();
    assertThat(dj.isFinished()).isTrue();
    assertThat(dj.isStopped()).isTrue();
  }

  @Test
  void itsKeysExpireAfterTheTtlRefreshedOnEveryChange() throws Exception {
    DistributedJob dj = f.spool.distributedJob("short", Duration.ofSeconds(100));
    dj.pushEach(List.of(1, 2), (x, part) -> {});
    String parts = f.namespace + ":{dj:short}:parts";
    String state = f.namespace + ":{dj:short}:state";
    assertThat(f.redis().ttl(parts)).isBetween(90L, 100L);
    assertThat(f.redis().ttl(state)).isBetween(90L, 100L);
    f.redis().expire(parts, 5);
    dj.done("0");
    assertThat(f.redis().ttl(parts)).as("refreshed by done").isBetween(90L, 100L);
  }

  @Test
  void invalidTokensAreRefused() {
    assertThatThrownBy(() -> f.spool.distributedJob("a}b"))
        .hasMessageContaining("invalid distributed job token 'a}b'");
  }

  @Test
  void tenThousandPartsDoneByManyThreadsFinishExactlyOnce() throws Exception {
    DistributedJob dj = f.spool.distributedJob("race");
    List<String> parts = new ArrayList<>();
    dj.pushEach(IntStream.range(0, 10_000).boxed(), (n, part) -> parts.add(part));
    ExecutorService pool = Executors.newFixedThreadPool(16);
    Set<String> finishers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    AtomicInteger trues = new AtomicInteger();
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < 16; t++) {
      int offset = t;
      futures.add(
          pool.submit(
              () -> {
                for (int i = offset; i < parts.size(); i += 16) {
                  // every part twice, from two threads: only the first counts
                  String part = parts.get(i);
                  String next = parts.get((i + 1) % parts.size());
                  if (dj.done(part)) {
                    finishers.add(part);
                    trues.incrementAndGet();
                  }
                  if (dj.done(next)) {
                    finishers.add(next);
                    trues.incrementAndGet();
                  }
                }
              }));
    }
    for (Future<?> future : futures) {
      future.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    assertThat(finishers).hasSize(1);
    assertThat(trues).hasValue(1);
    assertThat(dj.finishedBy()).contains(finishers.iterator().next());
    assertThat(dj.isFinished()).isTrue();
    assertThat(Set.copyOf(parts)).hasSize(10_000);
  }
}
