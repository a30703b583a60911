package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DeadJobs.page: dead sets of several queues merged by time of death, page by page. */
class DeadPagesIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  Fixtures f;

  @BeforeEach
  void setUp() {
    f = new Fixtures(redis);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  /** A dead job as the dead set holds it: its number, dying at this epoch millisecond. */
  private void dead(String queue, long number, long diedAtMillis) {
    f.redis().hset(f.namespace + ":{" + queue + "}:job:" + number, Map.of("t", "noop", "n", "0"));
    f.redis().zadd(f.namespace + ":{" + queue + "}:dead", diedAtMillis, Long.toString(number));
  }

  @Test
  void pagesFollowOnNewestFirstAcrossQueuesEvenWhenJobsDiedInTheSameMillisecond() {
    f.spool.enqueue(Fixtures.NOOP.withQueue("qa"), new Noop(1));
    f.spool.enqueue(Fixtures.NOOP.withQueue("qb"), new Noop(1));
    // Ten of qa's died in one millisecond (a reaper's round): "10" sorts before "9" as text.
    for (long n = 2; n <= 11; n++) {
      dead("qa", n, 5_000);
    }
    for (long n = 2; n <= 6; n++) {
      dead("qb", n, 4_000 + n * 500); // 5 000 and 5 500 are newer than or tie with qa's
    }
    DeadJobs deadJobs = f.spool.deadJobs();

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      DeadPage page = deadJobs.page(List.of("qa", "qb"), cursor, 3);
      page.jobs().forEach(j -> seen.add(j.id().toString()));
      cursor = page.next();
      pages++;
    } while (cursor != null && pages < 20);

    assertThat(seen).hasSize(15).doesNotHaveDuplicates();
    // qb's died at 7 000, 6 500, 6 000 and 5 500; then the tie at 5 000, qa's before qb's.
    assertThat(seen.subList(0, 4)).containsExactly("qb:6", "qb:5", "qb:4", "qb:3");
    assertThat(seen.subList(4, 14))
        .containsExactlyInAnyOrder(
            "qa:2", "qa:3", "qa:4", "qa:5", "qa:6", "qa:7", "qa:8", "qa:9", "qa:10", "qa:11");
    assertThat(seen.getLast()).isEqualTo("qb:2");
    assertThat(pages).isEqualTo(5);
    assertThatThrownBy(() -> deadJobs.page(List.of("qa"), "p1:x", 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("malformed cursor");
  }

  @Test
  void aPageCutThroughJobsThatDiedTogetherGoesOnWithTheRestOfThem() {
    f.spool.enqueue(Fixtures.NOOP.withQueue("qa"), new Noop(1));
    f.spool.enqueue(Fixtures.NOOP.withQueue("qb"), new Noop(1));
    dead("qb", 2, 7_000);
    // The dead set holds ties in the order of their text, "9", "8", "10": a page of 3 takes qb:2
    // and two of them, and the next page must start at the third, whichever it is.
    for (long n = 8; n <= 10; n++) {
      dead("qa", n, 5_000);
    }
    dead("qb", 3, 1_000);

    DeadPage first = f.spool.deadJobs().page(List.of("qa", "qb"), null, 3);
    DeadPage second = f.spool.deadJobs().page(List.of("qa", "qb"), first.next(), 3);

    List<String> seen = new ArrayList<>();
    first.jobs().forEach(j -> seen.add(j.id().toString()));
    second.jobs().forEach(j -> seen.add(j.id().toString()));
    assertThat(seen)
        .hasSize(5)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrder("qb:2", "qa:8", "qa:9", "qa:10", "qb:3");
    assertThat(second.next()).isNull();
  }

  /**
   * A page for a list view cuts the arguments in Redis: a page of 40 dead jobs with 100 KB of
   * arguments each was 4 MB from Redis; the same jobs whole stay one call away.
   */
  @Test
  void aPageForAListCutsLargeArgumentsInRedisAndKeepsTheRest() {
    String big = "{\"text\":\"" + "é".repeat(50_000) + "\"}"; // 100 KB of UTF-8
    for (long n = 1; n <= 40; n++) {
      String key = f.namespace + ":{qa}:job:" + n;
      f.redis().hset(key, Map.of("t", "noop", "a", big, "e", "{\"message\":\"boom\"}", "n", "2"));
      f.redis().zadd(f.namespace + ":{qa}:dead", 1_000 + n, Long.toString(n));
    }
    f.redis().hset(f.namespace + ":{qa}:job:41", Map.of("t", "noop", "a", "{}", "n", "x"));
    f.redis().zadd(f.namespace + ":{qa}:dead", 2_000, "41");
    f.redis().set(f.namespace + ":{qa}:job:42", "garbage");
    f.redis().zadd(f.namespace + ":{qa}:dead", 3_000, "42");
    var raw = f.redis();
    long before = Fixtures.netOutputBytes(raw);

    DeadPage page = f.spool.deadJobs().page(List.of("qa"), null, 50, 200);

    long sent = Fixtures.netOutputBytes(raw) - before;
    assertThat(sent).as("bytes Redis sent for the page").isLessThan(200_000);
    assertThat(page.jobs()).hasSize(42);
    DeadJob garbage = page.jobs().get(0);
    assertThat(garbage.id().number()).isEqualTo(42);
    assertThat(garbage.type()).isNull();
    assertThat(page.jobs().get(1).attempt()).as("a corrupt attempt reads as 0").isZero();
    DeadJob cut = page.jobs().get(2);
    assertThat(cut.type()).isEqualTo("noop");
    assertThat(cut.args()).startsWith("{\"text\":\"" + "é".repeat(200));
    assertThat(cut.args().length()).isLessThan(1_000);
    assertThat(cut.error()).isEqualTo("{\"message\":\"boom\"}");
    assertThat(cut.attempt()).isEqualTo(2);
    assertThat(f.spool.deadJobs().page(List.of("qa"), null, 3).jobs().get(2).args()).isEqualTo(big);
  }
}
