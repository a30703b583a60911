package dev.spool.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Kill requests noted for jobs not yet held: kept for a while, then dropped oldest first. */
class KillNotesTest {
  final AtomicLong now = new AtomicLong(1_000);
  final KillNotes notes = new KillNotes(now::get);

  private void after(long seconds) {
    now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
  }

  @Test
  void aRequestNotedBeforeItsJobIsFetchedIsTakenOnce() {
    notes.note("work:1");
    after(9);

    assertThat(notes.take("work:1")).isTrue();
    assertThat(notes.take("work:1")).isFalse();
    assertThat(notes.take("work:2")).isFalse();
  }

  @Test
  void expiredRequestsAreDroppedOldestFirstAtTheNextNote() {
    for (int i = 0; i < 1000; i++) {
      notes.note("work:" + i);
    }
    after(6);
    notes.note("work:late");
    after(5); // the first thousand are 11 s old, the late one 5 s

    notes.note("work:last");

    assertThat(notes.size()).isEqualTo(2);
    assertThat(notes.take("work:0")).isFalse();
    assertThat(notes.take("work:999")).isFalse();
    assertThat(notes.take("work:late")).isTrue();
    assertThat(notes.take("work:last")).isTrue();
  }

  @Test
  void aRequestMadeAgainOutlivesItsFirstNote() {
    notes.note("work:1");
    after(8);
    notes.note("work:1");
    after(8); // the first note expired, the second not

    notes.note("work:2");

    assertThat(notes.take("work:1")).isTrue();
  }

  @Test
  void theExpiryOfANoteTakenEarlyLeavesALaterRequestForTheSameJob() {
    notes.note("work:1");
    assertThat(notes.take("work:1")).isTrue();
    after(5);
    notes.note("work:1");
    after(6); // the first note expired, the second not

    notes.note("work:2");

    assertThat(notes.size()).isEqualTo(2);
    assertThat(notes.take("work:1")).isTrue();
  }
}
