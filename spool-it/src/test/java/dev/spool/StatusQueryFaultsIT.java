package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.internal.redis.Keys;
import dev.spool.internal.status.QueryStep;
import dev.spool.internal.status.StatusStore;
import dev.spool.testkit.SpoolRedis;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Status queries over what production brings: a rare name among many statuses of common states,
 * enqueuers whose clocks disagree, values and index entries damaged behind Spool's back, and jobs
 * restarted without end.
 */
class StatusQueryFaultsIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;
  final List<Spool> more = new ArrayList<>();

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() {
    more.forEach(Spool::close);
    f.close();
  }

  private Spool at(Instant now) {
    Spool spool =
        Spool.builder()
            .redis(redis.uri())
            .namespace(f.namespace)
            .clock(new MutableClock(now))
            .build();
    more.add(spool);
    return spool;
  }

  /**
   * A clause of several states that most statuses are in, beside a rare name: the candidates of a
   * bucket come from the clause with the fewest there (the name), not from the states, each of
   * whose statuses cost a look-up. One bounded call now reaches the one match below 1 200 others;
   * before, it stopped in the first full bucket, and a page took a call per few hundred statuses.
   */
  @Test
  void aRareNameBesideSeveralStatesIsFoundWithoutVisitingEveryStatusOfThoseStates() {
    JobStatus rare = f.spool.statuses().create("work").jobName("rare").queued().started().failed();
    for (int i = 0; i < 1_200; i++) {
      f.spool.statuses().create("work").jobName("common").queued().started().failed();
    }
    StatusQuery query = f.spool.statuses().where(State.FAILED, State.KILLED).jobName("rare");
    StatusStore store = new StatusStore(f.connection(), new Keys(f.namespace), 3600);

    QueryStep first = store.step("work", query.encode("work"), false, QueryStep.FROM_NEWEST, 0, 10);

    assertThat(first.numbers()).containsExactly(rare.id().number());
    assertThat(query.count()).isEqualTo(1);
    assertThat(query.page(null).statuses()).extracting(JobStatus::id).containsExactly(rare.id());
  }

  /**
   * Two enqueuers whose clocks differ by a few ms: a queue's newer number may carry the older
   * recorded time. Pages across queues take each queue's statuses from its head, so none is skipped
   * (a page sorted whole by recorded time took a queue's second status before its first, and its
   * cursor then went on below the second, skipping the first for good).
   */
  @Test
  void pagesAcrossQueuesSkipNoStatusWhenEnqueuersClocksDisagree() {
    Instant t = Instant.parse("2026-12-01T10:00:00Z");
    JobStatus a1 = at(t.plusMillis(3)).statuses().create("qa").queued(); // a fast clock
    JobStatus a2 = at(t).statuses().create("qa").queued(); // a newer number, an older time
    JobStatus b1 = at(t.plusMillis(1)).statuses().create("qb").queued();
    StatusQuery query = f.spool.statuses().where(State.QUEUED).limit(2);

    List<JobId> seen = new ArrayList<>();
    String cursor = null;
    do {
      StatusPage page = query.page(cursor);
      page.statuses().forEach(s -> seen.add(s.id()));
      cursor = page.next();
    } while (cursor != null);

    assertThat(seen).containsExactlyInAnyOrder(a1.id(), a2.id(), b1.id());
    assertThat(seen.indexOf(a2.id())).as("a queue's own order").isLessThan(seen.indexOf(a1.id()));
    assertThat(query.limit(10).list())
        .extracting(JobStatus::id)
        .containsExactly(b1.id(), a2.id(), a1.id());
  }

  /** A bucket's time bound lost or damaged: the bucket is checked status by status, not fatal. */
  @Test
  void aDamagedTimeBoundOfABucketFailsNoQuery() {
    JobStatus s = f.spool.statuses().create("work").queued();
    f.redis().hset(f.namespace + ":{work}:ix:t:0", "rec1", "garbage");

    StatusQuery recent =
        f.spool
            .statuses()
            .all()
            .between(Timestamp.RECORDED_AT, Instant.now().minusSeconds(60), null);
    assertThat(recent.count()).isEqualTo(1);
    assertThat(recent.list()).extracting(JobStatus::id).containsExactly(s.id());
  }

  /** An error holding a number beyond a double's range fails no list page it is on. */
  @Test
  void aListPageShowsAStatusWhoseLastErrorHoldsAHugeNumber() {
    JobStatus plain = f.spool.statuses().create("work").queued();
    JobStatus huge =
        f.spool
            .statuses()
            .create("work")
            .queued()
            .addError(Map.of("code", BigInteger.TEN.pow(400)));

    List<JobStatus> page = f.spool.statuses().queue("work").clipped(200).list();

    assertThat(page).extracting(JobStatus::id).containsExactly(huge.id(), plain.id());
    assertThat(page.getFirst().errors()).hasSize(1);
  }

  /** A time bound beyond µs in a long is refused in words, not by an overflow deep inside. */
  @Test
  void aTimeBoundTooFarFrom1970IsRefused() {
    Instant far = Instant.parse("+300000-01-01T00:00:00Z");
    assertThatThrownBy(() -> f.spool.statuses().all().between(Timestamp.RECORDED_AT, far, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("from is too far from 1970");
  }

  /**
   * A job restarted without end (hand-backs use no attempt) keeps its latest 50 previous attempts,
   * so a restart costs the same the hundredth time as the first.
   */
  @Test
  void previousAttemptsKeepTheLatestFifty() {
    JobStatus s = f.spool.statuses().create("work").queued();
    for (int i = 0; i < 60; i++) {
      s.started();
      s.addError("failure " + i);
      s.failed();
      s.queued();
    }
    s.started(); // archives the 60th
    List<Map<String, Object>> attempts =
        f.spool.statuses().find(s.id()).orElseThrow().previousAttempts();
    assertThat(attempts).hasSize(50);
    assertThat(attempts.getLast().get("errors").toString()).contains("failure 59");
    assertThat(attempts.getFirst().get("errors").toString()).contains("failure 10");
  }

  /**
   * Bulk calls read the matches a page of 1 000 at a time (their memory is a page's, not every
   * match's): across page boundaries they still see every match, and a delete still refuses before
   * deleting anything when any match, however deep, is not completed.
   */
  @Test
  void bulkCallsCoverEveryMatchAcrossPages() {
    List<JobStatus> done = new ArrayList<>();
    JobStatus running = f.spool.statuses().create("work").jobName("bulk").queued().started();
    for (int i = 0; i < 2_300; i++) {
      done.add(f.spool.statuses().create("work").jobName("bulk").queued().started().succeeded());
    }
    StatusQuery bulk = f.spool.statuses().jobName("bulk");

    assertThatThrownBy(bulk::deleteAll).isInstanceOf(StatusIncompleteException.class);
    assertThat(bulk.count()).as("nothing deleted").isEqualTo(2_301);
    assertThat(bulk.requestKillAll()).isEqualTo(1);
    assertThat(bulk.where(State.SUCCEEDED).deleteAll()).isEqualTo(2_300);
    assertThat(bulk.count()).isEqualTo(1);
    assertThat(bulk.forceDeleteAll()).isEqualTo(1);
    assertThat(f.spool.statuses().find(running.id())).isEmpty();
    assertThat(f.spool.statuses().find(done.getLast().id())).isEmpty();
  }

  /** A previous attempt written by hand as null is left out, not a failure of the whole read. */
  @Test
  void aNullPreviousAttemptIsLeftOut() {
    JobStatus s = f.spool.statuses().create("work").queued();
    f.redis().hset(f.jobKey(s.id()), "pa", "[null,{\"attempt\":0,\"state\":\"failed\"}]");

    assertThat(f.spool.statuses().find(s.id()).orElseThrow().previousAttempts())
        .singleElement()
        .satisfies(a -> assertThat(a).containsEntry("state", "failed"));
  }

  record Big(String text) {}

  /**
   * A deep page across queues counts off the statuses before it as read cut short: it costs its own
   * statuses whole, not those of the offset too (which, with 10 KB of arguments each, were 10 MB
   * for a page of ten at offset 1 000).
   */
  @Test
  void aDeepPageAcrossQueuesReadsOnlyItsOwnStatusesWhole() {
    String text = "x".repeat(10_000);
    for (String queue : List.of("left", "right")) {
      JobType<Big> big = JobType.of("big", Big.class).withQueue(queue);
      f.spool.enqueueAll(big, java.util.Collections.nCopies(600, new Big(text)));
    }
    StatusQuery all = f.spool.statuses().where(State.QUEUED);
    List<JobId> expected = all.list().stream().map(JobStatus::id).toList().subList(1_000, 1_010);
    var raw = f.redis();
    long before = Fixtures.netOutputBytes(raw);

    List<JobStatus> page = all.offset(1_000).limit(10).list();

    long sent = Fixtures.netOutputBytes(raw) - before;
    assertThat(page).extracting(JobStatus::id).isEqualTo(expected);
    assertThat(page).allSatisfy(s -> assertThat(s.raw().values()).anyMatch(v -> v.contains(text)));
    assertThat(sent).as("bytes Redis sent for the page").isLessThan(1_000_000);
  }

  /**
   * A page over many queues gathers up to a page from each to merge them: read whole, 20 queues of
   * 10 KB statuses made a page of 50 cost 10 MB. Merged as read cut short, it costs its own 50.
   */
  @Test
  void aPageAcrossManyQueuesReadsOnlyItsOwnStatusesWhole() {
    String text = "x".repeat(10_000);
    for (int i = 0; i < 20; i++) {
      JobType<Big> big = JobType.of("big", Big.class).withQueue("q" + i);
      f.spool.enqueueAll(big, java.util.Collections.nCopies(50, new Big(text)));
    }
    StatusQuery all = f.spool.statuses().where(State.QUEUED).limit(50);
    List<JobId> expected = all.list().stream().map(JobStatus::id).toList();
    var raw = f.redis();
    long before = Fixtures.netOutputBytes(raw);

    StatusPage page = all.page(null);

    long sent = Fixtures.netOutputBytes(raw) - before;
    assertThat(page.statuses()).extracting(JobStatus::id).isEqualTo(expected);
    assertThat(page.statuses())
        .allSatisfy(s -> assertThat(s.raw().values()).anyMatch(v -> v.contains(text)));
    assertThat(page.next()).isNotNull();
    assertThat(sent).as("bytes Redis sent for the page").isLessThan(1_500_000);
  }
}
