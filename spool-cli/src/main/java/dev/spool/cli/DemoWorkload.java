package dev.spool.cli;

import dev.spool.JobContext;
import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.JobType;
import dev.spool.Queues;
import dev.spool.Retry;
import dev.spool.Spool;
import dev.spool.Worker;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
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

  static final String IMAGES = "images";
  static final String MAIL = "mail";
  static final String DEFAULT = Queues.DEFAULT;

  /** The demo's queues, in the order they are shown. */
  static final List<String> QUEUES = List.of(IMAGES, MAIL, DEFAULT);

  /** The order nodes fetch in: the small queues first, so an images backlog never holds them. */
  static final List<String> FETCH_ORDER = List.of(MAIL, DEFAULT, IMAGES);

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
        .handle(DELIVER_WEBHOOK, this::deliverWebhook);
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

  private static long between(int minMs, int maxMs) {
    return ThreadLocalRandom.current().nextLong(minMs, maxMs + 1);
  }

  // ---- enqueueing ---------------------------------------------------------------------------

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
  }

  // ---- what this process saw ----------------------------------------------------------------

  /** Thread-safe counters per queue, as seen from this process. */
  static final class Tally {
    private final Map<String, Counters> queues = new ConcurrentHashMap<>();
    private final LongAdder urgentJobs = new LongAdder();
    private final LongAdder urgentWaitMs = new LongAdder();
    private final LongAdder otherImages = new LongAdder();
    private final LongAdder otherWaitMs = new LongAdder();

    Counters of(String queue) {
      return queues.computeIfAbsent(queue, q -> new Counters());
    }

    void enqueued(String queue, long n) {
      of(queue).enqueued.add(n);
    }

    void cancelled(String queue) {
      of(queue).cancelled.increment();
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

    long enqueued() {
      return QUEUES.stream().mapToLong(q -> of(q).enqueued.sum()).sum();
    }

    long cancelled() {
      return QUEUES.stream().mapToLong(q -> of(q).cancelled.sum()).sum();
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
    final LongAdder enqueued = new LongAdder();
    final LongAdder cancelled = new LongAdder();
    final LongAdder succeeded = new LongAdder();
    final LongAdder retried = new LongAdder();
    final LongAdder failedAttempts = new LongAdder();
    final LongAdder died = new LongAdder();
  }
}
