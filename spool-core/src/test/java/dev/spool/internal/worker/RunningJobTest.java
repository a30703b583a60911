package dev.spool.internal.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.JobId;
import dev.spool.internal.queue.FetchedJob;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The interrupts a held job sends its handler's thread: only while that thread runs it. A pooled
 * platform thread moves on to the next job once it lets this one go, and must not be interrupted
 * for this one then.
 */
class RunningJobTest {
  final RunningJob job =
      new RunningJob(
          new FetchedJob(new JobId("work", 1), "noop", "{}", 0, 0, "{}", 0, "", null),
          "node-1",
          Clock.fixed(Instant.EPOCH, ZoneOffset.UTC),
          null,
          id -> null);

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void aKillATimeoutAndAHandBackInterruptTheBoundThread() {
    job.bind(Thread.currentThread());

    job.requestKill();
    assertThat(Thread.interrupted()).isTrue();
    job.timeOut();
    assertThat(Thread.interrupted()).isTrue();
    assertThat(job.handBack()).isTrue();
    assertThat(Thread.interrupted()).isTrue();
  }

  @Test
  void noInterruptReachesTheThreadOnceItLetTheJobGo() {
    job.bind(Thread.currentThread());
    job.unbind();

    job.requestKill();
    job.timeOut();
    assertThat(job.abandon()).isTrue(); // still running as far as the node knows
    assertThat(Thread.interrupted()).isFalse();
    assertThat(job.isKillRequested()).isTrue();
    assertThat(job.timedOut()).isTrue();
  }
}
