package dev.spool.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.NodeInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DocumentsTest {
  private static final Instant STARTED = Instant.parse("2026-11-30T10:00:00Z");

  @Test
  void aDeadNodeRunsNothingWhateverItsLastHeartbeatSaid() {
    NodeInfo dead = new NodeInfo("n1", "host", 42, List.of("q"), 2, 2, STARTED, STARTED, false);
    NodeInfo alive = new NodeInfo("n2", "host", 43, List.of("q"), 2, 2, STARTED, STARTED, true);

    assertThat(Documents.node(dead, List.of())).containsEntry("busy", 0);
    assertThat(Documents.node(alive, List.of("q:1", "q:2"))).containsEntry("busy", 2);
  }

  @Test
  void aLiveNodesBusyCountIsTheJobsItHoldsNowNotWhatItsLastHeartbeatSaid() {
    // The trial's node: its heartbeat said 0 busy, and it ran two jobs (read a moment later).
    NodeInfo beat = new NodeInfo("n1", "host", 42, List.of("q"), 4, 0, STARTED, STARTED, true);

    assertThat(Documents.node(beat, List.of("default:8", "default:9")))
        .containsEntry("busy", 2)
        .containsEntry("jobs", List.of("default:8", "default:9"));
  }

  @Test
  void aPreviousAttemptsTimesAreIso8601LikeEveryOtherTime() {
    Map<String, Object> stored =
        Map.of(
            "attempt", 1,
            "state", "failed",
            "started_at", "1796074426622262",
            "failed_at", 1796074426722262L,
            "progress", "0.5");

    Map<String, Object> doc = Documents.attempt(stored);

    assertThat(doc)
        .containsEntry("started_at", "2026-11-30T21:33:46.622262Z")
        .containsEntry("failed_at", "2026-11-30T21:33:46.722262Z")
        .containsEntry("attempt", 1)
        .containsEntry("progress", "0.5");
  }
}
