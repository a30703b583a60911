package dev.spool.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.JobSpec;
import dev.spool.JobType;
import dev.spool.PayloadTooLargeException;
import dev.spool.Retry;
import dev.spool.SpoolException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FakeJobsTest {
  record SendEmail(String to, String subject) {}

  record Resize(String image, int width) {}

  record Unwritable(Object payload) {}

  /** An arguments class without equals: assertions compare JSON, not objects. */
  static final class Note {
    public String text;

    public Note() {}

    Note(String text) {
      this.text = text;
    }
  }

  static final JobType<SendEmail> SEND_EMAIL =
      JobType.of("send-email", SendEmail.class).withQueue("mail");
  static final JobType<Resize> RESIZE = JobType.of("resize", Resize.class);
  static final JobType<Note> NOTE = JobType.of("note", Note.class);

  @Test
  void recordsEachJobOfABulkEnqueueWithItsOwnOptions() {
    FakeJobs jobs = SpoolTesting.fake();
    JobOptions urgent = JobOptions.builder().priority(5).build();
    JobOptions later = JobOptions.builder().delay(Duration.ofMinutes(5)).build();

    List<JobId> ids =
        jobs.enqueueAll(
            List.of(
                JobSpec.of(SEND_EMAIL, new SendEmail("a@b.c", "now"), urgent),
                JobSpec.of(RESIZE, new Resize("cat.png", 100), later),
                JobSpec.of(SEND_EMAIL, new SendEmail("d@e.f", "plain"))));

    assertThat(ids).hasSize(3).doesNotHaveDuplicates();
    assertThat(jobs.enqueued()).extracting(EnqueuedJob::id).containsExactlyElementsOf(ids);
    assertThat(jobs.enqueued().get(0).priority()).isEqualTo(5);
    assertThat(jobs.enqueued().get(1).delay()).contains(Duration.ofMinutes(5));
    assertThat(jobs.enqueued().get(2).queue()).isEqualTo("mail");
    assertThat(jobs.tryEnqueueAll(List.of(JobSpec.of(RESIZE, new Resize("dog.png", 50)))))
        .singleElement()
        .satisfies(r -> assertThat(r.accepted()).isTrue());
  }

  @Test
  void recordsEveryJobWithoutRunningAnything() {
    Clock clock = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);
    AtomicInteger runs = new AtomicInteger();
    FakeJobs jobs =
        SpoolTesting.fake().clock(clock).handle(SEND_EMAIL, (j, e) -> runs.incrementAndGet());
    JobOptions later = JobOptions.builder().delay(Duration.ofMinutes(5)).priority(3).build();

    JobId first = jobs.enqueue(SEND_EMAIL, new SendEmail("a@b.c", "hi"));
    JobId second = jobs.enqueue(SEND_EMAIL, new SendEmail("d@e.f", "yo"), later);
    JobId third = jobs.enqueue(RESIZE, new Resize("cat.png", 100));

    assertThat(runs).hasValue(0);
    assertThat(List.of(first, second, third))
        .containsExactly(new JobId("mail", 1), new JobId("mail", 2), new JobId("default", 3));
    assertThat(jobs.enqueued()).hasSize(3);
    EnqueuedJob job = jobs.enqueued().get(1);
    assertThat(job.id()).isEqualTo(second);
    assertThat(job.type()).isEqualTo("send-email");
    assertThat(job.args()).isEqualTo(new SendEmail("d@e.f", "yo"));
    assertThat(job.json()).isEqualTo("{\"to\":\"d@e.f\",\"subject\":\"yo\"}");
    assertThat(job.options()).isSameAs(later);
    assertThat(job.priority()).isEqualTo(3);
    assertThat(job.enqueuedAt()).isEqualTo(clock.instant());
    assertThat(job.dueAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
    assertThat(job.retry()).isEqualTo(Retry.DEFAULT);
    Retry fewer = Retry.fixed(2, Duration.ofSeconds(1));
    jobs.defaultRetry(fewer);
    jobs.enqueue(SEND_EMAIL, new SendEmail("g@h.i", "by default"));
    jobs.enqueue(SEND_EMAIL.withRetry(Retry.none()), new SendEmail("g@h.i", "the type's"));
    assertThat(jobs.enqueued().subList(3, 5))
        .extracting(EnqueuedJob::retry)
        .containsExactly(fewer, Retry.none());
    assertThat(job)
        .hasToString(
            "mail:2 send-email {\"to\":\"d@e.f\",\"subject\":\"yo\"} [delay PT5M, priority 3]");
  }

  @Test
  void enqueuedOfATypeGivesTypedArgumentsAsFreshCopies() {
    FakeJobs jobs = SpoolTesting.fake();
    jobs.enqueue(SEND_EMAIL, new SendEmail("a@b.c", "hi"));
    jobs.enqueue(RESIZE, new Resize("cat.png", 100));
    jobs.enqueue(SEND_EMAIL, new SendEmail("d@e.f", "yo"));
    jobs.enqueue(NOTE, new Note("n"));

    List<SendEmail> emails = jobs.enqueued(SEND_EMAIL);

    assertThat(emails).containsExactly(new SendEmail("a@b.c", "hi"), new SendEmail("d@e.f", "yo"));
    assertThat(jobs.enqueued(RESIZE)).containsExactly(new Resize("cat.png", 100));
    assertThat(jobs.enqueued(NOTE)).singleElement().extracting(n -> n.text).isEqualTo("n");
    assertThat(jobs.enqueued(NOTE).getFirst()).isNotSameAs(jobs.enqueued(NOTE).getFirst());
  }

  @Test
  void assertEnqueuedPassesAndReturnsTheJob() {
    FakeJobs jobs = SpoolTesting.fake();
    jobs.enqueue(
        SEND_EMAIL,
        new SendEmail("a@b.c", "hi"),
        JobOptions.builder().delay(Duration.ofSeconds(20)).build());
    jobs.enqueue(NOTE, new Note("hello"));

    EnqueuedJob job = jobs.assertEnqueued(SEND_EMAIL, new SendEmail("a@b.c", "hi"));
    assertThat(job.delay()).contains(Duration.ofSeconds(20));
    jobs.assertEnqueued(SEND_EMAIL, email -> email.to().endsWith("@b.c"));
    jobs.assertEnqueued(SEND_EMAIL);
    jobs.assertEnqueued(NOTE, new Note("hello")); // no equals needed: compared as JSON
    jobs.assertNotEnqueued(SEND_EMAIL, new SendEmail("a@b.c", "bye"));
    jobs.assertNotEnqueued(SEND_EMAIL, email -> email.subject().isEmpty());
    jobs.assertNotEnqueued(RESIZE);
  }

  @Test
  void assertEnqueuedFailsListingWhatWasEnqueued() {
    FakeJobs jobs = SpoolTesting.fake();
    jobs.enqueue(SEND_EMAIL, new SendEmail("a@b.c", "hi"));
    jobs.enqueue(RESIZE, new Resize("cat.png", 100), JobOptions.builder().priority(5).build());

    assertThatThrownBy(() -> jobs.assertEnqueued(SEND_EMAIL, new SendEmail("x@y.z", "hi")))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            """
            expected a send-email job with args {"to":"x@y.z","subject":"hi"} to be enqueued, \
            but there is none; 2 jobs were enqueued:
              mail:1 send-email {"to":"a@b.c","subject":"hi"}
              default:2 resize {"image":"cat.png","width":100} [priority 5]""");
    assertThatThrownBy(() -> jobs.assertEnqueued(RESIZE, r -> r.width() > 500))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith(
            "expected a resize job with args matching the predicate to be enqueued, but there is"
                + " none; 2 jobs were enqueued:");
    assertThatThrownBy(() -> SpoolTesting.fake().assertEnqueued(RESIZE))
        .isInstanceOf(AssertionError.class)
        .hasMessage("expected a resize job to be enqueued, but there is none; no job was enqueued");
  }

  @Test
  void assertNotEnqueuedFailsNamingTheJobsFound() {
    FakeJobs jobs = SpoolTesting.fake();
    jobs.enqueue(SEND_EMAIL, new SendEmail("a@b.c", "hi"));

    assertThatThrownBy(() -> jobs.assertNotEnqueued(SEND_EMAIL, new SendEmail("a@b.c", "hi")))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            """
            expected no send-email job with args {"to":"a@b.c","subject":"hi"} to be enqueued, \
            but found [mail:1]; 1 job was enqueued:
              mail:1 send-email {"to":"a@b.c","subject":"hi"}""");
    assertThatThrownBy(() -> jobs.assertNotEnqueued(SEND_EMAIL, e -> e.to().contains("@")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("but found [mail:1]");
    assertThatThrownBy(() -> jobs.assertNotEnqueued(SEND_EMAIL))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("expected no send-email job to be enqueued, but found [mail:1]");
    assertThatThrownBy(jobs::assertNothingEnqueued)
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("expected no job to be enqueued, but 1 job was enqueued:");

    jobs.clear();
    jobs.assertNothingEnqueued();
  }

  @Test
  void argumentsThatJsonCannotWriteFailTheEnqueue() {
    JobType<Unwritable> type = JobType.of("unwritable", Unwritable.class);
    FakeJobs jobs = SpoolTesting.fake();

    assertThatThrownBy(
            () -> jobs.enqueueAll(type, List.of(new Unwritable(1), new Unwritable(new Object()))))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("arguments of job type 'unwritable' cannot be enqueued");
    assertThat(jobs.enqueued()).isEmpty(); // all or nothing, as with a real Spool
  }

  @Test
  void argumentsOverThePayloadLimitFailTheEnqueue() {
    FakeJobs jobs = SpoolTesting.fake().maxPayloadBytes(29);

    jobs.enqueue(RESIZE, new Resize("cat.png", 1)); // {"image":"cat.png","width":1}: 29 bytes
    assertThatThrownBy(() -> jobs.enqueue(RESIZE, new Resize("cat.png", 10)))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessageContaining("are 30 bytes of JSON, over the limit of 29 bytes");
    assertThat(jobs.enqueued()).hasSize(1);
  }

  @Test
  void cancelRemovesARecordedJob() {
    FakeJobs jobs = SpoolTesting.fake();
    JobId a = jobs.enqueue(SEND_EMAIL, new SendEmail("a@b.c", "hi"));
    JobId b = jobs.enqueue(SEND_EMAIL, new SendEmail("d@e.f", "hi"));

    assertThat(jobs.cancel(a)).isTrue();
    assertThat(jobs.cancel(a)).isFalse();
    assertThat(jobs.cancel(new JobId("mail", 99))).isFalse();
    assertThat(jobs.enqueued()).extracting(EnqueuedJob::id).containsExactly(b);
    jobs.assertNotEnqueued(SEND_EMAIL, new SendEmail("a@b.c", "hi"));
  }

  @Test
  void drainRunsEveryJobIncludingThoseEnqueuedWhileDraining() {
    List<String> order = new CopyOnWriteArrayList<>();
    FakeJobs jobs = SpoolTesting.fake();
    jobs.handle(
            RESIZE,
            (job, r) -> {
              order.add("resize " + r.image());
              jobs.enqueue(SEND_EMAIL, new SendEmail("owner@b.c", r.image() + " resized"));
            })
        .handle(SEND_EMAIL, (job, e) -> order.add("mail " + e.subject() + " on " + job.node()));
    jobs.enqueue(RESIZE, new Resize("cat.png", 100));
    jobs.enqueue(RESIZE, new Resize("dog.png", 100));

    assertThat(order).isEmpty();
    int ran = jobs.drain();

    assertThat(ran).isEqualTo(4);
    assertThat(order)
        .containsExactly(
            "resize cat.png",
            "resize dog.png",
            "mail cat.png resized on fake",
            "mail dog.png resized on fake");
    assertThat(jobs.enqueued()).isEmpty();
    assertThat(jobs.runs()).extracting(r -> r.id().number()).containsExactly(1L, 2L, 3L, 4L);
    assertThat(jobs.drain()).isZero();
  }

  @Test
  void drainTakesHigherPrioritiesFirstThenEnqueueOrder() {
    List<Integer> order = new ArrayList<>();
    FakeJobs jobs = SpoolTesting.fake().handle(RESIZE, (job, r) -> order.add(r.width()));
    for (int[] widthAndPriority : new int[][] {{1, 0}, {2, 5}, {3, 0}, {4, 5}, {5, -1}}) {
      jobs.enqueue(
          RESIZE,
          new Resize("x", widthAndPriority[0]),
          JobOptions.builder().priority(widthAndPriority[1]).build());
    }

    jobs.drain();

    assertThat(order).containsExactly(2, 4, 1, 3, 5);
  }

  @Test
  void drainOfATypeLeavesTheOthersRecorded() {
    List<String> order = new ArrayList<>();
    FakeJobs jobs = SpoolTesting.fake();
    jobs.handle(
            RESIZE,
            (job, r) -> {
              order.add("resize " + r.width());
              if (r.width() > 10) {
                jobs.enqueue(RESIZE, new Resize(r.image(), r.width() / 2));
                jobs.enqueue(SEND_EMAIL, new SendEmail("o@b.c", "resized to " + r.width()));
              }
            })
        .handle(SEND_EMAIL, (job, e) -> order.add("mail"));
    jobs.enqueue(SEND_EMAIL, new SendEmail("a@b.c", "first"));
    jobs.enqueue(RESIZE, new Resize("cat.png", 40));

    assertThat(jobs.drain(RESIZE)).isEqualTo(3);

    assertThat(order).containsExactly("resize 40", "resize 20", "resize 10");
    assertThat(jobs.enqueued(SEND_EMAIL))
        .extracting(SendEmail::subject)
        .containsExactly("first", "resized to 40", "resized to 20");
    assertThat(jobs.drain(SEND_EMAIL)).isEqualTo(3);
  }

  @Test
  void drainRetriesThenThrowsAndLeavesTheRestRecorded() {
    JobType<SendEmail> once = SEND_EMAIL.withRetry(Retry.fixed(2, Duration.ofMinutes(1)));
    List<Integer> attempts = new ArrayList<>();
    FakeJobs jobs =
        SpoolTesting.fake()
            .handle(
                once,
                (job, e) -> {
                  attempts.add(job.attempt());
                  if (e.to().equals("bad")) {
                    throw new IllegalStateException("bounced");
                  }
                });
    jobs.enqueue(once, new SendEmail("bad", "hi"));
    jobs.enqueue(once, new SendEmail("good", "hi"));

    assertThatThrownBy(jobs::drain)
        .isInstanceOf(JobFailedException.class)
        .hasMessage(
            "job send-email mail:1 failed after 2 attempts: java.lang.IllegalStateException: bounced");
    assertThat(attempts).containsExactly(0, 1);
    assertThat(jobs.enqueued()).extracting(EnqueuedJob::id).containsExactly(new JobId("mail", 2));

    jobs.onFailure(FailureMode.RECORD).enqueue(once, new SendEmail("bad", "again"));
    assertThat(jobs.drain()).isEqualTo(2);
    assertThat(jobs.failures())
        .extracting(JobRun::id)
        .containsExactly(new JobId("mail", 1), new JobId("mail", 3));
  }

  @Test
  void drainOfAJobWithoutHandlerIsAClearErrorAndKeepsTheJob() {
    FakeJobs jobs = SpoolTesting.fake();
    jobs.enqueue(RESIZE, new Resize("cat.png", 100));

    assertThatThrownBy(jobs::drain)
        .isInstanceOf(SpoolException.class)
        .hasMessage(
            "no handler registered for job type 'resize' in FakeJobs: register one with"
                + " handle(type, handler) first");
    assertThat(jobs.enqueued()).hasSize(1);
  }

  @Test
  void drainStopsAJobThatEnqueuesItselfForever() {
    FakeJobs jobs = SpoolTesting.fake();
    jobs.handle(RESIZE, (job, r) -> jobs.enqueue(RESIZE, r));
    jobs.enqueue(RESIZE, new Resize("loop", 1));

    assertThatThrownBy(jobs::drain)
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("is a job enqueuing itself?");
  }

  @Test
  void recordsFromManyThreads() throws Exception {
    FakeJobs jobs = SpoolTesting.fake();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<JobId>> ids = new ArrayList<>();
      for (int i = 0; i < 400; i++) {
        int width = i;
        ids.add(pool.submit(() -> jobs.enqueue(RESIZE, new Resize("x", width))));
      }
      for (Future<JobId> id : ids) {
        id.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(jobs.enqueued()).hasSize(400);
    assertThat(jobs.enqueued()).extracting(j -> j.id().number()).doesNotHaveDuplicates();
    AtomicInteger handled = new AtomicInteger();
    jobs.handle(RESIZE, (job, r) -> handled.incrementAndGet());
    assertThat(jobs.drain()).isEqualTo(400);
    assertThat(handled).hasValue(400);
  }
}
