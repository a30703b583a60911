package dev.spool;

import static dev.spool.Fixtures.NOOP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Fixtures.Noop;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A graceful stop and close is quiet: nothing is closed twice, nothing is warned about. */
class CloseLogIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  @Test
  void aWorkerStoppedAndItsClientClosedLogNoWarning() {
    try (CapturedErr err = new CapturedErr()) {
      Fixtures f = new Fixtures(redis);
      JobId id = f.spool.enqueue(NOOP, new Noop(1));
      Worker worker = f.worker("quiet").handle(NOOP, (job, a) -> {}).start();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> f.spool.statuses().find(id).orElseThrow().state() == State.SUCCEEDED);
      f.spool.outcome(id).join();

      worker.close();
      f.close();

      await().during(Duration.ofMillis(500)).until(() -> err.lines("WARN", "").isEmpty());
      assertThat(err.text()).doesNotContain("already closed");
    }
  }
}
