package dev.spool.cli;

import dev.spool.Batch;
import dev.spool.EnqueueResult;
import dev.spool.JobContext;
import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.JobOutcome;
import dev.spool.JobStatus;
import dev.spool.JobType;
import dev.spool.Queues;
import dev.spool.Retry;
import dev.spool.Schedule;
import dev.spool.Spool;
import dev.spool.SpoolException;
import dev.spool.State;
import dev.spool.Unique;
import dev.spool.Worker;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The jobs of {@code spool demo}: what is enqueued in each wave, what the handlers do, and what
 * this process saw happen (a tally kept apart from Redis's own counts, so the two can be compared).
 */
final class DemoWorkload {
  record ResizeImage(String image, int width, boolean urgent) {}

  record SendEmail(String to, String template) {}

  record SyncInventory(String sku) {}

  record DeliverWebhook(String url) {}

  record Thumbnail(String image, int part) {}

  record ThumbnailsDone(String album, int parts) {}

  record Heartbeat(String service) {}

  record SyncAccount(String account, String requestedBy) {}

  record ExportReport(String month) {}

  static final String IMAGES = "images";
  static final String THUMBNAILS = "thumbnails";
  static final String MAIL = "mail";
  static final String DEFAULT = Queues.DEFAULT;

  /** The demo's queues, in the order they are shown. */
  static final List<String> QUEUES = List.of(IMAGES, THUMBNAILS, MAIL, DEFAULT);

  /**
   * The order nodes fetch in: the small queues first, so an images backlog never holds them; the
   * batch last, in the capacity left over.
   */
  static final List<String> FETCH_ORDER = List.of(MAIL, DEFAULT, IMAGES, THUMBNAILS);

  static final JobType<ResizeImage> RESIZE_IMAGE =
      JobType.of("resize-image", ResizeImage.class).withQueue(IMAGES);
  static final JobType<SendEmail> SEND_EMAIL =
      JobType.of("send-email", SendEmail.class).withQueue(MAIL);
  static final JobType<SyncInventory> SYNC_INVENTORY =
      JobType.of("sync-inventory", SyncInventory.class)
          .withRetry(Retry.exponential(3, Duration.ofMillis(500), 2.0));
  static final JobType<DeliverWebhook> DELIVER_WEBHOOK =
      JobType.of("deliver-webhook", DeliverWebhook.class)
          .withRetry(Retry.fixed(2, Duration.ofMillis(300)));

  static final JobType<Thumbnail> THUMBNAIL =
      JobType.of("thumbnail", Thumbnail.class).withQueue(THUMBNAILS);

  /** The batch's on-complete job: enqueued by the engine, exactly once, after the last part. */
  static final JobType<ThumbnailsDone> THUMBNAILS_DONE =
      JobType.of("thumbnails-done", ThumbnailsDone.class).withQueue(THUMBNAILS);

  /** Enqueued by the recurring job's ticks, not by this process. */
  static final JobType<Heartbeat> HEARTBEAT = JobType.of("heartbeat", Heartbeat.class);

  /** Unique by account until it has run: a second request while one waits or runs is rejected. */
  static final JobType<SyncAccount> SYNC_ACCOUNT =
      JobType.of("sync-account", SyncAccount.class)
          .withUnique(Unique.untilExecuted().<SyncAccount>args(SyncAccount::account));

  /** Runs for a minute unless killed, which the demo does a little after it starts. */
  static final JobType<ExportReport> EXPORT_REPORT =
      JobType.of("export-report", ExportReport.class).withRetry(Retry.none());

  /** Job types the engine enqueues (not this process), by queue: counted from their statuses. */
  static final Map<String, List<String>> ENGINE_MADE =
      Map.of(THUMBNAILS, List.of(THUMBNAILS_DONE.name()), DEFAULT, List.of(HEARTBEAT.name()));

  static final String RECURRING_NAME = "demo-heartbeat";
  static final int BATCH_PARTS = 1000;
  static final String UNIQUE_ACCOUNT = "acct-42";

  /** Sync requests for the same account each wave: the first may be accepted, not the second. */
  static final int UNIQUE_REQUESTS_PER_WAVE = 2;

  static final Duration KILL_AFTER = Duration.ofSeconds(2);
  private static final Duration REPORT_RUNS_FOR = Duration.ofMinutes(1);

  /** The priority of the urgent thumbnails; other jobs have the default, 0. */
  static final int URGENT_PRIORITY = 10;

  /** Every this many waves, a burst of images builds a backlog that urgent jobs skip. */
  static final int BURST_EVERY = 5;

  /** Waves whose delayed email gets cancelled before it runs. */
  private static final List<Integer> CANCEL_IN_WAVES = List.of(1, 2);

  private static final Duration MIN_DELAY = Duration.ofSeconds(2);
  private static final String[] TEMPLATES = {"welcome", "reminder", "receipt", "digest"};

  private final Spool spool;
  private final Duration maxDelay;
  private final Tally tally = new Tally();
  private volatile Thread killer;

  /**
   * @param maxDelay delayed emails run 2 s to this long after they are enqueued
   */
  DemoWorkload(Spool spool, Duration maxDelay) {
    this.spool = spool;
    this.maxDelay = maxDelay.compareTo(MIN_DELAY) < 0 ? MIN_DELAY : maxDelay;
  }

  Tally tally() {
    return tally;
  }

  Duration maxDelay() {
    return maxDelay;
  }

  /** Registers the demo's handlers on a worker node being configured. */
  Worker.Builder handlers(Worker.Builder worker) {
    return worker
        .queues(FETCH_ORDER.toArray(String[]::new))
        .handle(RESIZE_IMAGE, this::resizeImage)
        .handle(SEND_EMAIL, this::sendEmail)
        .handle(SYNC_INVENTORY, this::syncInventory)
        .handle(DELIVER_WEBHOOK, this::deliverWebhook)
        .handle(THUMBNAIL, this::thumbnail)
        .handle(THUMBNAILS_DONE, this::thumbnailsDone)
        .handle(HEARTBEAT, this::heartbeat)
        .handle(SYNC_ACCOUNT, this::syncAccount)
        .handle(EXPORT_REPORT, this::exportReport);
  }

  // ---- handlers -----------------------------------------------------------------------------

  private void resizeImage(JobContext job, ResizeImage args) throws InterruptedException {
    tally.waited(args.urgent(), Duration.between(job.enqueuedAt(), Instant.now()));
    Thread.sleep(between(20, 200));
    tally.succeeded(job);
  }

  private void sendEmail(JobContext job, SendEmail args) throws InterruptedException {
    Thread.sleep(between(10, 60));
    tally.succeeded(job);
  }

  private void syncInventory(JobContext job, SyncInventory args) throws InterruptedException {
    job.log("asking the inventory service about " + args.sku()); // on the job's dashboard page
    Thread.sleep(between(30, 100));
    if (job.attempt() == 0) {
      tally.failed(job, SYNC_INVENTORY.retry());
      throw new IllegalStateException(
          "inventory service timed out for " + args.sku() + " (simulated: the retry succeeds)");
    }
    tally.succeeded(job);
  }

  private void deliverWebhook(JobContext job, DeliverWebhook args)
      throws IOException, InterruptedException {
    Thread.sleep(between(20, 50));
    tally.failed(job, DELIVER_WEBHOOK.retry());
    throw new IOException("POST " + args.url() + " answered 500 (simulated: it always fails)");
  }

  private void thumbnail(JobContext job, Thumbnail args) throws InterruptedException {
    Thread.sleep(between(1, 5));
    tally.succeeded(job);
  }

  private void thumbnailsDone(JobContext job, ThumbnailsDone args) {
    tally.engineMade(job);
    tally.batch.onCompleteRan();
    tally.succeeded(job);
  }

  private void heartbeat(JobContext job, Heartbeat args) {
    tally.engineMade(job);
    tally.recurringRuns.increment();
    tally.succeeded(job);
  }

  private void syncAccount(JobContext job, SyncAccount args) throws InterruptedException {
    // A slow third-party API: requests that come meanwhile are rejected by the unique lock.
    Thread.sleep(between(1000, 2000));
    tally.succeeded(job);
  }

  private void exportReport(JobContext job, ExportReport args) throws InterruptedException {
    tally.kill.started();
    job.log("exporting the report: this takes a while");
    Thread.sleep(REPORT_RUNS_FOR); // interrupted by the kill request
    tally.succeeded(job);
  }

  private static long between(int minMs, int maxMs) {
    return ThreadLocalRandom.current().nextLong(minMs, maxMs + 1);
  }

  // ---- enqueueing ---------------------------------------------------------------------------

  /**
   * What runs once, at the start: the recurring job, the batch of thumbnails with its on-complete
   * job, and the long report that gets killed on request.
   */
  void start(Duration recurringEvery) {
    spool.recurring(
        RECURRING_NAME, Schedule.every(recurringEvery), HEARTBEAT, new Heartbeat("checkout"));

    Batch.Builder batch =
        spool.batch().onComplete(THUMBNAILS_DONE, new ThumbnailsDone("summer", BATCH_PARTS));
    for (int i = 0; i < BATCH_PARTS; i++) {
      batch.add(THUMBNAIL, new Thumbnail("summer/" + i + ".jpg", i));
    }
    Batch submitted = batch.submit();
    tally.enqueued(THUMBNAILS, BATCH_PARTS);
    tally.batch.submitted(submitted);

    JobId report = spool.enqueue(EXPORT_REPORT, new ExportReport("2026-11"));
    tally.enqueued(DEFAULT, 1);
    tally.kill.enqueued(report);
    killer = Thread.ofVirtual().name("demo-kill").start(() -> killWhenStarted(report));
  }

  /**
   * Waits until the report runs, lets it run for {@link #KILL_AFTER}, then asks for it to be
   * killed, as an operator would with {@code spool kill ID}; its outcome says when it stopped.
   */
  private void killWhenStarted(JobId id) {
    try {
      State state = spool.statuses().findOrUnknown(id).state();
      while (state != State.STARTED) {
        if (State.COMPLETED.members().contains(state) || state == State.KILLED) {
          return;
        }
        Thread.sleep(100);
        state = spool.statuses().findOrUnknown(id).state();
      }
      Thread.sleep(KILL_AFTER);
      Optional<JobStatus> s = spool.statuses().find(id);
      if (s.isEmpty() || s.get().state() != State.STARTED) {
        return;
      }
      s.get().requestKill();
      tally.kill.requested();
      JobOutcome o = spool.outcome(id).get();
      tally.kill.ended(o.state());
      if (o.state() == State.KILLED) {
        tally.of(id.queue()).killed.increment();
      }
    } catch (InterruptedException e) {
      // the demo is over
    } catch (SpoolException | ExecutionException e) {
      // Redis is gone (Ctrl-C): the summary says what is known
    }
  }

  /** No more ticks of the recurring job: called when enqueueing stops. */
  void stopRecurring() {
    try {
      if (spool.cancelRecurring(RECURRING_NAME)) {
        tally.recurringCancelled = true;
      }
    } catch (SpoolException e) {
      // Redis is gone (Ctrl-C)
    }
  }

  /** Gives up a kill that has not happened yet: the demo is over. */
  void finish() {
    Thread k = killer;
    if (k != null) {
      k.interrupt();
    }
  }

  /**
   * Enqueues wave number {@code n} (from 0, one a second): a batch of images (a large burst every
   * {@link #BURST_EVERY} waves, followed by a few urgent ones), a few delayed emails, inventory
   * syncs that fail once, and now and then a webhook that always fails.
   */
  void wave(int n) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    boolean burst = n % BURST_EVERY == 2;
    int images = burst ? random.nextInt(120, 201) : random.nextInt(10, 41);
    List<ResizeImage> batch = new ArrayList<>(images);
    for (int i = 0; i < images; i++) {
      batch.add(
          new ResizeImage("photo-" + n + "-" + i + ".jpg", 320 * random.nextInt(1, 5), false));
    }
    tally.enqueued(IMAGES, spool.enqueueAll(RESIZE_IMAGE, batch).size());
    if (burst) {
      JobOptions urgent = JobOptions.builder().priority(URGENT_PRIORITY).build();
      for (int i = 0; i < 3; i++) {
        spool.enqueue(
            RESIZE_IMAGE,
            new ResizeImage("checkout-thumb-" + n + "-" + i + ".jpg", 96, true),
            urgent);
        tally.enqueued(IMAGES, 1);
      }
    }

    JobId lastEmail = null;
    int emails = random.nextInt(1, 4);
    for (int i = 0; i < emails; i++) {
      long delayMs = random.nextLong(MIN_DELAY.toMillis(), maxDelay.toMillis() + 1);
      lastEmail =
          spool.enqueue(
              SEND_EMAIL,
              new SendEmail(
                  "user" + random.nextInt(1, 10_000) + "@example.com",
                  TEMPLATES[random.nextInt(TEMPLATES.length)]),
              JobOptions.builder().delay(Duration.ofMillis(delayMs)).build());
      tally.enqueued(MAIL, 1);
    }
    if (CANCEL_IN_WAVES.contains(n) && spool.cancel(lastEmail)) {
      tally.cancelled(MAIL);
    }

    int syncs = n % 2 == 0 ? 2 : 1;
    for (int i = 0; i < syncs; i++) {
      spool.enqueue(SYNC_INVENTORY, new SyncInventory("SKU-" + random.nextInt(1000, 10_000)));
      tally.enqueued(DEFAULT, 1);
    }

    if (n % 4 == 0) {
      spool.enqueue(DELIVER_WEBHOOK, new DeliverWebhook("https://hooks.example.com/orders/" + n));
      tally.enqueued(DEFAULT, 1);
    }

    // Someone keeps pressing "sync now": one sync per account at a time, the rest are rejected.
    for (int i = 0; i < UNIQUE_REQUESTS_PER_WAVE; i++) {
      EnqueueResult r =
          spool.tryEnqueue(SYNC_ACCOUNT, new SyncAccount(UNIQUE_ACCOUNT, "wave-" + n + "-" + i));
      if (r.accepted()) {
        tally.enqueued(DEFAULT, 1);
        tally.uniqueAccepted.increment();
      } else {
        tally.of(DEFAULT).rejected.increment();
      }
    }
  }

  // ---- what this process saw ----------------------------------------------------------------

  /** Thread-safe counters per queue, as seen from this process. */
  static final class Tally {
    private final Map<String, Counters> queues = new ConcurrentHashMap<>();
    private final LongAdder urgentJobs = new LongAdder();
    private final LongAdder urgentWaitMs = new LongAdder();
    private final LongAdder otherImages = new LongAdder();
    private final LongAdder otherWaitMs = new LongAdder();
    final LongAdder recurringRuns = new LongAdder();
    final LongAdder uniqueAccepted = new LongAdder();
    final BatchTally batch = new BatchTally();
    final KillTally kill = new KillTally();
    volatile boolean recurringCancelled;

    Counters of(String queue) {
      return queues.computeIfAbsent(queue, q -> new Counters());
    }

    void enqueued(String queue, long n) {
      of(queue).enqueued.add(n);
    }

    void cancelled(String queue) {
      of(queue).cancelled.increment();
    }

    /** A job the engine enqueued (a tick, an on-complete job) ran for the first time. */
    void engineMade(JobContext job) {
      if (job.attempt() == 0) {
        of(job.id().queue()).engineMade.increment();
      }
    }

    void succeeded(JobContext job) {
      Counters c = of(job.id().queue());
      c.succeeded.increment();
      if (job.attempt() > 0) {
        c.retried.increment();
      }
    }

    void failed(JobContext job, Retry retry) {
      Counters c = of(job.id().queue());
      c.failedAttempts.increment();
      if (job.attempt() + 1 >= retry.attempts()) {
        c.died.increment();
      }
    }

    void waited(boolean urgent, Duration wait) {
      (urgent ? urgentJobs : otherImages).increment();
      (urgent ? urgentWaitMs : otherWaitMs).add(Math.max(0, wait.toMillis()));
    }

    /** Jobs enqueued by this process, and those the engine enqueued that ran. */
    long enqueued() {
      return QUEUES.stream().mapToLong(q -> of(q).enqueuedSeen()).sum();
    }

    long cancelled() {
      return QUEUES.stream().mapToLong(q -> of(q).cancelled.sum()).sum();
    }

    long killed() {
      return QUEUES.stream().mapToLong(q -> of(q).killed.sum()).sum();
    }

    long rejected() {
      return QUEUES.stream().mapToLong(q -> of(q).rejected.sum()).sum();
    }

    long urgentJobs() {
      return urgentJobs.sum();
    }

    /** Average wait in the queue of urgent images, or -1 if none ran. */
    long urgentAverageWaitMs() {
      long n = urgentJobs.sum();
      return n == 0 ? -1 : urgentWaitMs.sum() / n;
    }

    /** Average wait in the queue of the other images, or -1 if none ran. */
    long otherAverageWaitMs() {
      long n = otherImages.sum();
      return n == 0 ? -1 : otherWaitMs.sum() / n;
    }
  }

  /** One queue's counters in a {@link Tally}. */
  static final class Counters {
    /** By this process; see {@link #engineMade} for the others. */
    final LongAdder enqueued = new LongAdder();

    /** Jobs the engine enqueued (recurring ticks, on-complete jobs), counted when they ran. */
    final LongAdder engineMade = new LongAdder();

    final LongAdder cancelled = new LongAdder();
    final LongAdder killed = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder succeeded = new LongAdder();
    final LongAdder retried = new LongAdder();
    final LongAdder failedAttempts = new LongAdder();
    final LongAdder died = new LongAdder();

    long enqueuedSeen() {
      return enqueued.sum() + engineMade.sum();
    }
  }

  /** The batch of thumbnails, as this process saw it. */
  static final class BatchTally {
    private final AtomicReference<Batch> batch = new AtomicReference<>();
    private final LongAdder onCompleteRuns = new LongAdder();
    private volatile long submittedNanos;
    private volatile long onCompleteNanos;

    void submitted(Batch b) {
      submittedNanos = System.nanoTime();
      batch.set(b);
    }

    void onCompleteRan() {
      if (onCompleteNanos == 0) {
        onCompleteNanos = System.nanoTime();
      }
      onCompleteRuns.increment();
    }

    /** The batch, once submitted. */
    Batch batch() {
      return batch.get();
    }

    long onCompleteRuns() {
      return onCompleteRuns.sum();
    }

    /** From the submit to the first run of the on-complete job, in ms; -1 if it has not run. */
    long millisToComplete() {
      long done = onCompleteNanos;
      return done == 0 ? -1 : (done - submittedNanos) / 1_000_000;
    }
  }

  /** The long report and its kill request, as this process saw them. */
  static final class KillTally {
    private final AtomicReference<JobId> id = new AtomicReference<>();
    private final AtomicLong startedNanos = new AtomicLong();
    private final AtomicLong requestedNanos = new AtomicLong();
    private final AtomicLong endedNanos = new AtomicLong();
    private final AtomicReference<State> endState = new AtomicReference<>();

    void enqueued(JobId job) {
      id.set(job);
    }

    void started() {
      startedNanos.compareAndSet(0, System.nanoTime());
    }

    void requested() {
      requestedNanos.set(System.nanoTime());
    }

    void ended(State state) {
      endedNanos.set(System.nanoTime());
      endState.set(state);
    }

    JobId id() {
      return id.get();
    }

    boolean isRequested() {
      return requestedNanos.get() != 0;
    }

    /** How the job ended after the request, as its outcome said; null if it has not (yet). */
    State endState() {
      return endState.get();
    }

    /** How long it has been running, in ms; -1 if it has not started. */
    long runningMillis() {
      long s = startedNanos.get();
      return s == 0 ? -1 : (System.nanoTime() - s) / 1_000_000;
    }

    /** From its start to the kill request, in ms; -1 if not requested. */
    long runMillisBeforeRequest() {
      long r = requestedNanos.get();
      long s = startedNanos.get();
      return r == 0 || s == 0 ? -1 : Math.max(0, (r - s) / 1_000_000);
    }

    /** From the kill request to its outcome, in ms; -1 if it has not ended. */
    long millisToStop() {
      long r = requestedNanos.get();
      long e = endedNanos.get();
      return r == 0 || e == 0 ? -1 : Math.max(0, (e - r) / 1_000_000);
    }
  }
}
