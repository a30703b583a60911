package dev.spool.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.JobId;
import dev.spool.chaos.RunLog.Event;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The experiments' own count of runs: the run logs read back. */
class RunsTest {
  private static final JobId ONE = new JobId("chaos", 1);
  private static final JobId TWO = new JobId("chaos", 2);

  @TempDir Path dir;

  @Test
  void startsArePairedWithTheEndsOfTheSameAttemptInTheSameProcess() throws IOException {
    write(
        100,
        "S chaos.work chaos:1 0 100 1000",
        "S chaos.work chaos:2 0 100 1001",
        "E chaos.work chaos:1 0 100 1050",
        "I chaos.work chaos:2 0 100 1070");
    write(200, "S chaos.work chaos:2 1 200 1200", "E chaos.work chaos:2 1 200 1250");

    Runs runs = Runs.read(dir);

    assertThat(runs.count()).isEqualTo(3);
    assertThat(runs.of(ONE)).singleElement().satisfies(r -> assertThat(r.ended()).isTrue());
    assertThat(runs.of(TWO))
        .extracting(Runs.Run::outcome)
        .containsExactly(Event.INTERRUPTED, Event.ENDED);
    assertThat(runs.startedMoreThanOnce()).containsExactly(TWO);
    assertThat(runs.firstStartAfter(TWO, 1100)).isEqualTo(1200);
    assertThat(runs.firstStartAfter(ONE, 1100)).isEqualTo(-1);
  }

  @Test
  void aRunCutShortByKillNineHasNoEndAndATornLineIsSkipped() throws IOException {
    write(100, "S chaos.work chaos:1 0 100 1000", "E chaos.work chao");

    Runs runs = Runs.read(dir);

    assertThat(runs.of(ONE))
        .singleElement()
        .satisfies(r -> assertThat(r.endMillis()).isEqualTo(-1));
    assertThat(runs.ended(ONE)).isFalse();
  }

  @Test
  void runsOfOneJobInTwoProcessesAtOnceAreOverlaps() throws IOException {
    write(100, "S chaos.work chaos:1 0 100 1000"); // never ended: its process died at 1500
    write(200, "S chaos.work chaos:1 1 200 1300", "E chaos.work chaos:1 1 200 1400");
    write(300, "S chaos.work chaos:2 0 300 1000", "E chaos.work chaos:2 0 300 1100");

    List<Runs.Overlap> overlaps = Runs.read(dir).overlaps(pid -> pid == 100 ? 1500 : -1);

    assertThat(overlaps)
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.job()).isEqualTo(ONE);
              assertThat(o.millis()).isEqualTo(100);
            });
  }

  private void write(long pid, String... lines) throws IOException {
    Files.write(dir.resolve("runs-" + pid + ".log"), List.of(lines));
  }
}
