package dev.spool.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.EnqueueResult;
import dev.spool.JobContext;
import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.JobType;
import dev.spool.PayloadTooLargeException;
import dev.spool.Retry;
import dev.spool.RunLaterException;
import dev.spool.Spool;
import dev.spool.SpoolException;
import dev.spool.UnrecoverableJobException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InlineJobsTest {
  record SendEmail(String to, String subject) {}

  record Resize(String image, List<Integer> widths) {}

  /** Jackson cannot write a plain Object: a real Spool refuses such arguments at enqueue. */
  record Unwritable(Object payload) {}

  /** Written as {"value":…} but without a constructor Jackson can use to read it back. */
  static final class OneWay {
    private final String value;

    OneWay(String value) {
      this.value = value;
    }

    public String getValue() {
      return value;
    }
  }

  static final JobType<SendEmail> SEND_EMAIL =
      JobType.of("send-email", SendEmail.class).withQueue("mail");
  static final JobType<Resize> RESIZE = JobType.of("resize", Resize.class);

  @Test
  void runsTheHandlerInTheCallersThreadBeforeEnqueueReturns() {
    List<String> sent = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    InlineJobs jobs =
        SpoolTesting.inline()
            .handle(
                SEND_EMAIL,
                (job, email) -> {
                  threads.add(Thread.currentThread());
                  sent.add(email.to() + ": " + email.subject());
                });

    JobId id = jobs.enqueue(SEND_EMAIL, new SendEmail("a@b.c", "hi"));

    assertThat(sent).containsExactly("a@b.c: hi");
    assertThat(threads).containsExactly(Thread.currentThread());
    assertThat(id).isEqualTo(new JobId("mail", 1));
    assertThat(jobs.enqueue(SEND_EMAIL, new SendEmail("d@e.f", "yo"))).hasToString("mail:2");
    assertThat(jobs.runs()).extracting(JobRun::succeeded).containsExactly(true, true);
  }

  @Test
  void delayedJobsRunAtOnceToo() {
    List<String> sent = new ArrayList<>();
    InlineJobs jobs = SpoolTesting.inline().handle(SEND_EMAIL, (job, e) -> sent.add(e.to()));

    JobId id =
        jobs.enqueue(
            SEND_EMAIL,
            new SendEmail("a@b.c", "later"),
            JobOptions.builder().delay(Duration.ofHours(1)).queue("slow").build());
    jobs.enqueue(
        SEND_EMAIL,
        new SendEmail("d@e.f", "at"),
        JobOptions.builder().runAt(Instant.parse("2100-01-01T00:00:00Z")).build());

    assertThat(sent).containsExactly("a@b.c", "d@e.f");
    assertThat(id).isEqualTo(new JobId("slow", 1)); // the options' queue wins over the type's
  }

  @Test
  void givesTheHandlerAContextAndRecordsWhatItLeaves() {
    Clock clock = Clock.fixed(Instant.parse("2026-03-01T10:15:30.123456789Z"), ZoneOffset.UTC);
    List<JobContext> seen = new ArrayList<>();
    InlineJobs jobs =
        SpoolTesting.inline()
            .clock(clock)
            .handle(
                RESIZE,
                (job, r) -> {
                  seen.add(job);
                  job.progress(1, 4);
                  job.addError(Map.of("width", 10, "why", "too small"));
                  job.save(List.of("s3://bucket/" + r.image()));
                  job.log("resizing " + r.image());
                  job.put("stored", r.widths().size());
                  assertThat(job.get("stored")).contains(2);
                  assertThat(job.get("missing")).isEmpty();
                  job.progress(0.5);
                });

    JobId id = jobs.enqueue(RESIZE, new Resize("cat.png", List.of(10, 200)));

    JobContext job = seen.getFirst();
    assertThat(job.id()).isEqualTo(id);
    assertThat(job.type()).isEqualTo("resize");
    assertThat(job.attempt()).isZero();
    assertThat(job.node()).isEqualTo("inline");
    assertThat(job.enqueuedAt()).isEqualTo(Instant.parse("2026-03-01T10:15:30.123456Z"));
    assertThat(job.isKillRequested()).isFalse();
    assertThatThrownBy(job::status)
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("needs Redis");

    JobRun run = jobs.runs().getFirst();
    assertThat(run.id()).isEqualTo(id);
    assertThat(run.args(RESIZE)).isEqualTo(new Resize("cat.png", List.of(10, 200)));
    assertThat(run.values()).containsExactly(Map.entry("stored", 2));
    assertThat(run.progress()).hasValue(0.5);
    assertThat(run.errors()).containsExactly(Map.of("width", 10, "why", "too small"));
    assertThat(run.data()).contains(List.of("s3://bucket/cat.png"));
    assertThat(run.log()).containsExactly("resizing cat.png");
    assertThat(run.attempts()).isEqualTo(1);
  }

  @Test
  void retriesAFailingHandlerWithoutWaitingThenThrowsNamingTheJob() {
    List<Integer> attempts = new ArrayList<>();
    JobType<SendEmail> flaky = SEND_EMAIL.withRetry(Retry.exponential(3, Duration.ofHours(1), 2));
    InlineJobs jobs =
        SpoolTesting.inline()
            .handle(
                flaky,
                (job, email) -> {
                  attempts.add(job.attempt());
                  throw new IllegalStateException("smtp down");
                });

    long start = System.nanoTime();
    assertThatThrownBy(() -> jobs.enqueue(flaky, new SendEmail("a@b.c", "hi")))
        .isInstanceOf(JobFailedException.class)
        .isInstanceOf(SpoolException.class)
        .hasMessage(
            "job send-email mail:1 failed after 3 attempts:"
                + " java.lang.IllegalStateException: smtp down")
        .hasCauseInstanceOf(IllegalStateException.class)
        .satisfies(
            e -> {
              JobFailedException failed = (JobFailedException) e;
              assertThat(failed.jobId()).isEqualTo(new JobId("mail", 1));
              assertThat(failed.type()).isEqualTo("send-email");
              assertThat(failed.attempts()).isEqualTo(3);
            });

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(attempts).containsExactly(0, 1, 2);
    assertThat(jobs.failures()).hasSize(1);
  }

  @Test
  void aFinalFailureIsNotRetried() {
    List<Integer> attempts = new ArrayList<>();
    JobType<SendEmail> type =
        SEND_EMAIL.withRetry(
            Retry.fixed(5, Duration.ofHours(1)).withNoRetryFor(IllegalArgumentException.class));
    InlineJobs jobs =
        SpoolTesting.inline()
            .onFailure(FailureMode.RECORD)
            .handle(
                type,
                (job, email) -> {
                  attempts.add(job.attempt());
                  if (email.to().isEmpty()) {
                    throw new IllegalArgumentException("no address");
                  }
                  throw new UnrecoverableJobException("mailbox closed for good");
                });

    jobs.enqueue(type, new SendEmail("", "hi"));
    jobs.enqueue(type, new SendEmail("a@b.c", "hi"));
    JobRun noAddress = jobs.runs().get(0);
    JobRun closed = jobs.runs().get(1);

    assertThat(attempts).containsExactly(0, 0);
    assertThat(noAddress.attempts()).isOne();
    assertThat(closed.failure()).containsInstanceOf(UnrecoverableJobException.class);
    assertThat(jobs.failures()).hasSize(2);
  }

  @Test
  void aPostponedRunEndsThereNeitherSucceededNorFailed() {
    InlineJobs jobs =
        SpoolTesting.inline()
            .handle(
                SEND_EMAIL,
                (job, email) -> {
                  throw new RunLaterException(Duration.ofMinutes(5), "smtp quota");
                });

    jobs.enqueue(SEND_EMAIL, new SendEmail("a@b.c", "hi")); // no JobFailedException
    JobRun run = jobs.runs().getFirst();

    assertThat(run.postponedBy()).contains(Duration.ofMinutes(5));
    assertThat(run.toString()).contains("postponed by PT5M");
    assertThat(run.succeeded()).isFalse();
    assertThat(run.failure()).isEmpty();
    assertThat(run.attempts()).isOne();
    assertThat(jobs.failures()).isEmpty();
  }

  @Test
  void theJobsRetryOptionWinsAndASuccessfulRetryIsASuccess() {
    AtomicInteger calls = new AtomicInteger();
    InlineJobs jobs =
        SpoolTesting.inline()
            .handle(
                SEND_EMAIL,
                (job, email) -> {
                  if (calls.incrementAndGet() < 2) {
                    throw new IllegalStateException("once");
                  }
                  job.put("attempt", job.attempt());
                });

    jobs.enqueue(
        SEND_EMAIL,
        new SendEmail("a@b.c", "hi"),
        JobOptions.builder().retry(Retry.fixed(2, Duration.ofMinutes(1))).build());

    JobRun run = jobs.runs().getFirst();
    assertThat(run.succeeded()).isTrue();
    assertThat(run.attempts()).isEqualTo(2);
    assertThat(run.values()).containsEntry("attempt", 1);

    calls.set(-10);
    assertThatThrownBy(
            () ->
                jobs.enqueue(
                    SEND_EMAIL,
                    new SendEmail("a@b.c", "hi"),
                    JobOptions.builder().retry(Retry.none()).build()))
        .isInstanceOf(JobFailedException.class)
        .hasMessageContaining("failed after 1 attempt: ");
  }

  @Test
  void theDefaultRetryIsThePolicyOfJobsWhoseTypeAndOptionsNameNone() {
    InlineJobs jobs =
        SpoolTesting.inline()
            .onFailure(FailureMode.RECORD)
            .defaultRetry(Retry.fixed(3, Duration.ofSeconds(1)))
            .handle(
                SEND_EMAIL,
                (job, email) -> {
                  throw new IllegalStateException("down");
                });

    jobs.enqueue(SEND_EMAIL, new SendEmail("a@b.c", "default"));
    jobs.enqueue(
        SEND_EMAIL.withRetry(Retry.fixed(2, Duration.ofSeconds(1))),
        new SendEmail("a@b.c", "the type's"));
    jobs.enqueue(
        SEND_EMAIL,
        new SendEmail("a@b.c", "the options'"),
        JobOptions.builder().retry(Retry.none()).build());

    assertThat(jobs.failures()).extracting(JobRun::attempts).containsExactly(3, 2, 1);
  }

  @Test
  void recordModeKeepsTheFailureAndReturnsTheId() {
    InlineJobs jobs =
        SpoolTesting.inline()
            .onFailure(FailureMode.RECORD)
            .handle(
                SEND_EMAIL.withRetry(Retry.fixed(2, Duration.ofSeconds(1))),
                (job, email) -> {
                  throw new IllegalArgumentException("bad address " + email.to());
                });

    JobId id = jobs.enqueue(SEND_EMAIL, new SendEmail("nope", "hi"));

    assertThat(jobs.failures())
        .singleElement()
        .satisfies(
            run -> {
              assertThat(run.id()).isEqualTo(id);
              assertThat(run.succeeded()).isFalse();
              // The retry policy is the enqueued type's: SEND_EMAIL's default of 8 attempts.
              assertThat(run.attempts()).isEqualTo(Retry.DEFAULT.attempts());
              assertThat(run.failure())
                  .get()
                  .extracting(Throwable::getMessage)
                  .isEqualTo("bad address nope");
            });
  }

  @Test
  void argumentsThatJsonCannotWriteFailTheEnqueue() {
    JobType<Unwritable> type = JobType.of("unwritable", Unwritable.class);
    AtomicInteger runs = new AtomicInteger();
    InlineJobs jobs = SpoolTesting.inline().handle(type, (job, a) -> runs.incrementAndGet());

    assertThatThrownBy(() -> jobs.enqueue(type, new Unwritable(new Object())))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("arguments of job type 'unwritable' cannot be enqueued")
        .hasMessageContaining("java.lang.Object");
    assertThat(runs).hasValue(0);
    assertThat(jobs.runs()).isEmpty();
  }

  @Test
  void argumentsThatAWorkerCouldNotReadBackFailTheEnqueue() {
    JobType<OneWay> type = JobType.of("one-way", OneWay.class);
    InlineJobs jobs = SpoolTesting.inline().handle(type, (job, a) -> {});

    assertThatThrownBy(() -> jobs.enqueue(type, new OneWay("x")))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("arguments of job type 'one-way' do not read back")
        .hasMessageContaining("{\"value\":\"x\"}")
        .hasMessageContaining(OneWay.class.getName());
  }

  @Test
  void argumentsOverThePayloadLimitFailTheEnqueueAsWithARealSpool() {
    InlineJobs jobs = SpoolTesting.inline().handle(SEND_EMAIL, (job, e) -> {});
    String big = "x".repeat(Spool.Builder.DEFAULT_MAX_PAYLOAD_BYTES);

    assertThatThrownBy(() -> jobs.enqueue(SEND_EMAIL, new SendEmail("a@b.c", big)))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessageContaining("arguments of job type 'send-email' are");
    jobs.maxPayloadBytes(2 * Spool.Builder.DEFAULT_MAX_PAYLOAD_BYTES);
    jobs.enqueue(SEND_EMAIL, new SendEmail("a@b.c", big));
    assertThat(jobs.runs()).hasSize(1);
  }

  @Test
  void theHandlerGetsACopyReadBackFromJsonNotTheCallersObject() {
    List<Resize> received = new ArrayList<>();
    InlineJobs jobs = SpoolTesting.inline().handle(RESIZE, (job, r) -> received.add(r));
    Resize sent = new Resize("cat.png", new ArrayList<>(List.of(1, 2)));

    jobs.enqueue(RESIZE, sent);

    assertThat(received.getFirst()).isEqualTo(sent).isNotSameAs(sent);
  }

  @Test
  void nullArgumentsAreRefusedAsByARealSpool() {
    InlineJobs jobs = SpoolTesting.inline().handle(SEND_EMAIL, (job, e) -> {});
    assertThatThrownBy(() -> jobs.enqueue(SEND_EMAIL, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("are null");
  }

  @Test
  void anUnknownTypeIsAClearError() {
    InlineJobs jobs = SpoolTesting.inline().handle(RESIZE, (job, r) -> {});

    assertThatThrownBy(() -> jobs.enqueue(SEND_EMAIL, new SendEmail("a@b.c", "hi")))
        .isInstanceOf(SpoolException.class)
        .hasMessage(
            "no handler registered for job type 'send-email' in InlineJobs: register one with"
                + " handle(type, handler) first (handlers are registered for [resize])");
    assertThatThrownBy(() -> jobs.handle(RESIZE, (job, r) -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already registered");
  }

  @Test
  void jobsEnqueuedByAHandlerRunInsideItsEnqueue() {
    List<String> order = new CopyOnWriteArrayList<>();
    InlineJobs jobs = SpoolTesting.inline();
    jobs.handle(
            RESIZE,
            (job, r) -> {
              order.add("resize " + r.image());
              jobs.enqueue(SEND_EMAIL, new SendEmail("owner@b.c", r.image() + " resized"));
              order.add("resize done");
            })
        .handle(SEND_EMAIL, (job, e) -> order.add("mail " + e.subject()));

    jobs.enqueue(RESIZE, new Resize("cat.png", List.of(100)));

    assertThat(order).containsExactly("resize cat.png", "mail cat.png resized", "resize done");
    assertThat(jobs.runs()).extracting(JobRun::type).containsExactly("send-email", "resize");
  }

  @Test
  void enqueueAllTryEnqueueAndCancel() {
    List<String> sent = new ArrayList<>();
    InlineJobs jobs = SpoolTesting.inline().handle(SEND_EMAIL, (job, e) -> sent.add(e.to()));

    List<JobId> ids =
        jobs.enqueueAll(SEND_EMAIL, List.of(new SendEmail("a", "s"), new SendEmail("b", "s")));
    EnqueueResult r = jobs.tryEnqueue(SEND_EMAIL, new SendEmail("c", "s"));

    assertThat(sent).containsExactly("a", "b", "c");
    assertThat(ids).containsExactly(new JobId("mail", 1), new JobId("mail", 2));
    assertThat(r.accepted()).isTrue();
    assertThat(r.jobId()).isEqualTo(new JobId("mail", 3));
    assertThat(jobs.cancel(r.jobId())).isFalse();

    jobs.clear();
    assertThat(jobs.runs()).isEmpty();
  }

  @Test
  void enqueueAllWritesEveryArgumentBeforeRunningAny() {
    JobType<Unwritable> type = JobType.of("unwritable", Unwritable.class);
    AtomicInteger runs = new AtomicInteger();
    InlineJobs jobs = SpoolTesting.inline().handle(type, (job, a) -> runs.incrementAndGet());

    assertThatThrownBy(
            () ->
                jobs.enqueueAll(
                    type,
                    List.of(new Unwritable("fine"), new Unwritable(new Object())),
                    JobOptions.NONE))
        .isInstanceOf(SpoolException.class);
    assertThat(runs).hasValue(0);
  }

  @Test
  void enqueuesFromManyThreads() throws Exception {
    AtomicInteger handled = new AtomicInteger();
    InlineJobs jobs =
        SpoolTesting.inline().handle(SEND_EMAIL, (job, e) -> handled.incrementAndGet());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<JobId>> ids = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String to = "user" + i;
        ids.add(pool.submit(() -> jobs.enqueue(SEND_EMAIL, new SendEmail(to, "hi"))));
      }
      List<Long> numbers = new ArrayList<>();
      for (Future<JobId> id : ids) {
        numbers.add(id.get().number());
      }
      assertThat(numbers).doesNotHaveDuplicates().hasSize(400);
    } finally {
      pool.shutdownNow();
    }
    assertThat(handled).hasValue(400);
    assertThat(jobs.runs()).hasSize(400);
  }
}
