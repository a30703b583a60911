package dev.spool.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.Batch;
import dev.spool.BatchProgress;
import dev.spool.DistributedJob;
import dev.spool.JobStatus;
import dev.spool.JobType;
import dev.spool.Spool;
import dev.spool.State;
import dev.spool.Worker;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The examples of docs/batches.md. */
class BatchesExampleIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  record Day(String date, String token, String part) {}

  record Report(String month) {}

  record Notify(String month) {}

  static final JobType<Day> DAY = JobType.of("day", Day.class);
  static final JobType<Report> REPORT = JobType.of("report", Report.class);
  static final JobType<Notify> NOTIFY = JobType.of("notify", Notify.class);

  private final Spool spool =
      Spool.builder().redis(redis.uri()).namespace(SpoolRedis.namespace()).build();
  private final List<String> log = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    spool.close();
  }

  private void work(Day day) {
    log.add("day " + day.date());
  }

  private void enqueueTheReport() {
    spool.enqueue(REPORT, new Report("2026-11"));
  }

  /** The handler of each part of the distributed job. */
  private void runPart(Day day) throws Exception {
    // snippet: distributed-job-part
    DistributedJob dj = spool.distributedJob(day.token());
    if (dj.isStopped()) return;
    try {
      work(day);
    } catch (Exception e) {
      dj.stop(); // the parts not started yet skip
      throw e;
    }
    if (dj.done(day.part()) || dj.finishedBy().equals(Optional.of(day.part()))) {
      enqueueTheReport(); // true exactly once; finishedBy() for the finisher run again
    }
    // end snippet
  }

  @Test
  void theLastPartOfADistributedJobEnqueuesTheReportOnce() {
    List<String> dates = List.of("2026-11-01", "2026-11-02", "2026-11-03");
    String token = "report-2026-11";
    try (Worker worker =
        spool
            .worker("node-1")
            .handle(DAY, (job, day) -> runPart(day))
            .handle(REPORT, (job, report) -> log.add("report " + report.month()))
            .start()) {
      // snippet: distributed-job
      DistributedJob dj = spool.distributedJob(token); // TTL 1 day, refreshed on each change
      dj.pushEach(dates, (date, part) -> spool.enqueue(DAY, new Day(date, dj.token(), part)));
      // end snippet

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(log)
                      .containsExactlyInAnyOrder(
                          "day 2026-11-01", "day 2026-11-02", "day 2026-11-03", "report 2026-11"));
      assertThat(dj.isFinished()).isTrue();
      assertThat(worker.name()).isEqualTo("node-1");
    }
  }

  @Test
  void aBatchEnqueuesItsCallbacksWhenEveryPartSucceeded() {
    Day d1 = new Day("2026-11-01", "", "");
    Day d2 = new Day("2026-11-02", "", "");
    try (Worker worker =
        spool
            .worker("node-1")
            .handle(DAY, (job, day) -> work(day))
            .handle(REPORT, (job, report) -> log.add("report " + report.month()))
            .handle(NOTIFY, (job, notify) -> log.add("notify " + notify.month()))
            .start()) {
      // snippet: batch
      Batch b =
          spool
              .batch()
              .onComplete(REPORT, new Report("2026-11")) // enqueued once when every part has run
              .onSuccess(NOTIFY, new Notify("2026-11")) // and this one only if all succeeded
              .stopOnFailure() // optional: a dead part stops the rest
              .add(DAY, d1) // any types, any options
              .add(DAY, d2)
              .submit();
      // end snippet

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(log)
                      .containsExactlyInAnyOrder(
                          "day 2026-11-01", "day 2026-11-02", "report 2026-11", "notify 2026-11"));

      // snippet: batch-progress
      BatchProgress progress = b.progress(); // total, pending, succeeded, failed, finished, stopped
      List<JobStatus> failed = spool.statuses().where(State.FAILED).batch(b.id()).list();
      spool.batch(b.id()).stop(); // the parts not started yet end as killed
      // end snippet

      assertThat(progress).isEqualTo(new BatchProgress(2, 0, 2, 0, true, false));
      assertThat(failed).isEmpty();
      assertThat(worker.name()).isEqualTo("node-1");
    }
  }
}
