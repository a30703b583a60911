package dev.spool.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lets Ctrl-C end a command cleanly. The first Ctrl-C {@linkplain #isRequested() requests} the
 * stop; a second one {@linkplain #forced() forces} it (runs the {@linkplain #onForce force
 * action}); a third exits at once. Where SIGINT cannot be handled (see {@link SigintHandler}), and
 * for SIGTERM, a shutdown hook requests the stop and then waits until the command says it has
 * {@linkplain #finished() finished} (bounded by the command's own figures), so that its stop runs
 * to its end and its summary is printed before the JVM exits.
 */
final class StopSignal {
  /** The exit code of a stop forced by a second Ctrl-C: 128 + SIGINT, as the shell reports it. */
  static final int EXIT_FORCED = 130;

  /**
   * How long the shutdown hook waits for a command that names no bound of its own: one with nothing
   * to hand back, whose summary takes moments.
   */
  static final Duration DEFAULT_FINISH_BOUND = Duration.ofSeconds(60);

  /**
   * Whether commands handle SIGINT themselves: set by {@link Main}, the process's own entry point.
   * Signals belong to the whole process, so commands run inside another one (tests) leave them be.
   */
  private static volatile boolean handlesCtrlC;

  private final CountDownLatch requested = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);
  private final AtomicInteger ctrlCs = new AtomicInteger();
  private volatile boolean byUser;
  private volatile Runnable forceAction = () -> {};
  private Duration finishBound = DEFAULT_FINISH_BOUND;
  private Thread hook;
  private SigintHandler sigint;
  private SigintHandler sigterm;

  /**
   * Handles Ctrl-C (SIGINT) here and adds a shutdown hook (SIGTERM, and SIGINT where it cannot be
   * handled here) that waits up to {@link #DEFAULT_FINISH_BOUND} for the command to finish. {@link
   * #uninstall()} undoes both.
   */
  StopSignal install(String name) {
    return install(name, DEFAULT_FINISH_BOUND);
  }

  /**
   * As {@link #install(String)}, the shutdown hook waiting up to {@code finishBound} for the
   * command to finish: the JVM halts once the hook returns, cutting off whatever the command still
   * does, so a command whose stop may take long (a worker's shutdown timeout) bounds it by its own
   * figures.
   */
  StopSignal install(String name, Duration finishBound) {
    this.finishBound = finishBound;
    hook = new Thread(this::onShutdown, name);
    Runtime.getRuntime().addShutdownHook(hook);
    if (handlesCtrlC) {
      sigint = SigintHandler.install(this::onCtrlC);
    }
    return this;
  }

  /**
   * Also handles SIGTERM here, as a first Ctrl-C: the command ends by itself, with its own exit
   * code, instead of the JVM exiting with 143. For a command with nothing to hand back ({@code
   * spool redis}). Call after {@link #install}; {@link #uninstall()} undoes it.
   */
  StopSignal handleSigterm() {
    if (handlesCtrlC) {
      sigterm =
          SigintHandler.install(
              "TERM",
              () -> {
                byUser = true;
                requested.countDown();
              });
    }
    return this;
  }

  /** From now on, commands handle Ctrl-C themselves (a second one forces the stop). */
  static void handleCtrlC() {
    handlesCtrlC = true;
  }

  void uninstall() {
    if (sigint != null) {
      sigint.restore();
    }
    if (sigterm != null) {
      sigterm.restore();
    }
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // the JVM is exiting (SIGTERM): the hook has run
      }
    }
  }

  boolean isRequested() {
    return requested.getCount() == 0;
  }

  /**
   * Whether Ctrl-C can stop the command: false when this process was started with SIGINT ignored
   * (by a shell, for a job started with {@code &} without job control), which it keeps so; then
   * only SIGTERM stops it. Known once {@link #install}ed.
   */
  boolean ctrlCStops() {
    return sigint == null || !sigint.ignored();
  }

  /** What stops the command, for its banner: "Ctrl-C", or "SIGTERM" where SIGINT is ignored. */
  String stopKey() {
    return ctrlCStops() ? "Ctrl-C" : "SIGTERM";
  }

  /** Whether the stop came from Ctrl-C (or another signal that ends the JVM). */
  boolean byUser() {
    return byUser;
  }

  /**
   * What stopped the command, for its messages: "Ctrl-C" when it was one handled here, else "a
   * signal (SIGTERM or SIGHUP)": the JVM's shutdown, which a Ctrl-C starts only where SIGINT cannot
   * be handled here.
   */
  String cause() {
    return byCtrlC() ? "Ctrl-C" : "a signal (SIGTERM or SIGHUP)";
  }

  /** Whether the stop came from a Ctrl-C handled here: a second one would force it. */
  boolean byCtrlC() {
    return ctrlCs.get() > 0;
  }

  /** Whether a second Ctrl-C forced the stop. */
  boolean forced() {
    return ctrlCs.get() >= 2;
  }

  /** What a second Ctrl-C does (on a thread of its own); a command checks {@link #forced()} too. */
  void onForce(Runnable action) {
    forceAction = action;
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

  private void onCtrlC() {
    int n = ctrlCs.incrementAndGet();
    if (n == 1) {
      byUser = true;
      requested.countDown();
    } else if (n == 2) {
      try {
        forceAction.run();
      } catch (RuntimeException e) {
        // the command's own stop call fails alike and reports it
      }
    } else {
      // The forced stop itself hangs (e.g. on Redis): what the node holds is left to its leases.
      System.err.println("spool: exiting at once; jobs still held run again when their lease ends");
      Runtime.getRuntime().halt(EXIT_FORCED);
    }
  }

  /** How long the shutdown hook waits for the command to finish. */
  Duration finishBound() {
    return finishBound;
  }

  /** The shutdown hook's work (SIGTERM): requests the stop, waits for the command to finish. */
  void onShutdown() {
    if (finished.getCount() == 0) {
      return;
    }
    byUser = true;
    requested.countDown();
    long nanos;
    try {
      nanos = finishBound.toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE; // centuries: as good as unbounded
    }
    try {
      finished.await(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Called by the command when it is done, whatever the outcome. */
  void finished() {
    finished.countDown();
  }
}
