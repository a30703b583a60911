package dev.spool.chaos;

import dev.spool.JobContext;
import dev.spool.Worker;
import dev.spool.chaos.ChaosJobs.Work;
import dev.spool.chaos.RunLog.Event;
import dev.spool.cli.JobHandlers;
import java.nio.file.Path;

/**
 * The handlers of the chaos job types, for {@code spool worker} (found through
 * META-INF/services/dev.spool.cli.JobHandlers). Every run is written to the {@link RunLog} of the
 * directory named by {@code -Dspool.chaos.runs}; with {@code -Dspool.chaos.parent=<pid>} the
 * process also ends itself when that process (the test) is gone, so no worker outlives its test.
 */
public final class ChaosHandlers implements JobHandlers {
  /** The system property naming the process whose end ends this worker too. */
  public static final String PARENT_PROPERTY = "spool.chaos.parent";

  private RunLog log;

  /** ServiceLoader needs a public no-argument constructor. */
  public ChaosHandlers() {}

  @Override
  public void register(Worker.Builder worker) {
    String dir = System.getProperty(RunLog.DIR_PROPERTY);
    if (dir == null || dir.isBlank()) {
      throw new IllegalStateException(
          "the chaos handlers need -D" + RunLog.DIR_PROPERTY + "=<directory of the run logs>");
    }
    log = RunLog.open(Path.of(dir));
    endWithParent();
    worker
        .handle(ChaosJobs.WORK, this::run)
        .handle(ChaosJobs.UNIQUE_WORK, this::run)
        .handle(ChaosJobs.BATCH_COMPLETE, this::run);
  }

  private void run(JobContext job, Work work) throws InterruptedException {
    log.record(Event.STARTED, job);
    try {
      Thread.sleep(work.millis()); // the job's simulated work, not a test waiting
    } catch (InterruptedException e) {
      log.record(Event.INTERRUPTED, job);
      throw e;
    }
    if (work.fail()) {
      log.record(Event.FAILED, job);
      throw new IllegalStateException("chaos work fails on purpose");
    }
    log.record(Event.ENDED, job);
  }

  private static void endWithParent() {
    String parent = System.getProperty(PARENT_PROPERTY);
    if (parent == null) {
      return;
    }
    ProcessHandle.of(Long.parseLong(parent))
        .ifPresentOrElse(p -> p.onExit().thenRun(ChaosHandlers::halt), ChaosHandlers::halt);
  }

  private static void halt() {
    System.err.println("chaos worker: the test process is gone, halting");
    Runtime.getRuntime().halt(3);
  }
}
