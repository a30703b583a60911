package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The shutdown hook (SIGTERM) requests the stop and holds the JVM until the command finished, up to
 * the bound the command gave: the JVM halts as soon as it returns.
 */
class StopSignalTest {
  @Test
  void theHookWaitsForTheCommandUpToTheBoundItWasGiven() {
    StopSignal signal = new StopSignal().install("test-stop", Duration.ofMillis(300));
    try {
      long start = System.nanoTime();
      signal.onShutdown();
      Duration waited = Duration.ofNanos(System.nanoTime() - start);

      assertThat(signal.isRequested()).isTrue();
      assertThat(signal.byUser()).isTrue();
      assertThat(waited).isBetween(Duration.ofMillis(300), Duration.ofSeconds(10));
    } finally {
      signal.uninstall();
    }
  }

  @Test
  void theHookReturnsOnceTheCommandHasFinished() throws Exception {
    StopSignal signal = new StopSignal().install("test-stop", Duration.ofMinutes(5));
    try {
      Thread command =
          Thread.ofPlatform()
              .start(
                  () -> {
                    signal.awaitRequest(); // as a command does, then stops and finishes
                    signal.finished();
                  });
      long start = System.nanoTime();
      signal.onShutdown();

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
      command.join();
    } finally {
      signal.uninstall();
    }
  }

  @Test
  void commandsThatNameNoBoundGetTheDefault() {
    StopSignal signal = new StopSignal().install("test-stop");
    try {
      assertThat(signal.finishBound()).isEqualTo(StopSignal.DEFAULT_FINISH_BOUND);
    } finally {
      signal.uninstall();
    }
  }

  @Test
  void aStopThroughTheShutdownHookIsNotCalledACtrlC() throws Exception {
    StopSignal signal = new StopSignal().install("test-stop");
    try {
      Thread command =
          Thread.ofPlatform()
              .start(
                  () -> {
                    signal.awaitRequest(); // as a command does, then stops and finishes
                    signal.finished();
                  });
      signal.onShutdown();
      command.join();

      assertThat(signal.byUser()).isTrue();
      assertThat(signal.byCtrlC()).isFalse();
      assertThat(signal.cause()).isEqualTo("a signal (SIGTERM or SIGHUP)");
    } finally {
      signal.uninstall();
    }
  }
}
