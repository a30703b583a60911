package dev.spool.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets Ctrl-C end a command cleanly: a shutdown hook {@linkplain #onShutdown() requests} the stop
 * and then waits until the command says it has {@linkplain #finished() finished} (bounded), so its
 * summary is printed before the JVM exits.
 */
final class StopSignal {
  private static final long FINISH_BOUND_SECONDS = 60;

  private final CountDownLatch requested = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile boolean byUser;

  boolean isRequested() {
    return requested.getCount() == 0;
  }

  /** Whether the stop came from Ctrl-C (or another signal that ends the JVM). */
  boolean byUser() {
    return byUser;
  }

  /** Sleeps this long, or less if a stop is requested meanwhile. */
  void await(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      requested.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      requested.countDown();
    }
  }

  /** Requests the stop from within the process (not a signal): for tests and embedders. */
  void request() {
    requested.countDown();
  }

  /** Waits until a stop is requested. */
  void awaitRequest() {
    try {
      requested.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      requested.countDown();
    }
  }

  /** A new thread for {@link Runtime#addShutdownHook}. */
  Thread hook(String name) {
    return new Thread(this::onShutdown, name);
  }

  private void onShutdown() {
    if (finished.getCount() == 0) {
      return;
    }
    byUser = true;
    requested.countDown();
    try {
      finished.await(FINISH_BOUND_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Called by the command when it is done, whatever the outcome. */
  void finished() {
    finished.countDown();
  }
}
