package dev.spool.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.JobStatus;
import dev.spool.JobType;
import dev.spool.QueueCounts;
import dev.spool.Queues;
import dev.spool.Retry;
import dev.spool.Spool;
import dev.spool.State;
import dev.spool.StatusQuery;
import dev.spool.Statuses;
import dev.spool.Timestamp;
import dev.spool.Worker;
import dev.spool.bench.BenchJobs.Noop;
import dev.spool.internal.redis.Keys;
import dev.spool.internal.redis.Script;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.function.Predicate;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * W5 status queries at scale: N statuses in mixed states (about 70 % succeeded, 10 % failed, 10 %
 * queued, 10 % scheduled) over four job names, a sample of them labelled with a job argument; then
 * every query form is timed, and every answer checked against what the setup made.
 *
 * <p>Setup: the first 80 % are enqueued in bulk and run by one worker node (every 8th of them
 * throws, with no retry, and ends failed); then 10 % are scheduled an hour ahead and 10 % queued
 * with no worker running. Each {@code enqueueAll} call records its statuses at one instant, read
 * back here, so the expected answer of every query, time ranges included, is computed exactly.
 */
@Command(
    name = "statuses",
    mixinStandardHelpOptions = true,
    description =
        "W5: N statuses in mixed states; single-clause and three-clause queries (pages and"
            + " counts) timed, every answer verified.")
public final class StatusQueryCommand extends WorkloadCommand {
  @Option(
      names = "--statuses",
      defaultValue = "1000000",
      description = "Statuses to create. Default: ${DEFAULT-VALUE}.")
  int statuses = 1_000_000;

  @Option(
      names = "--queries",
      defaultValue = "200",
      description =
          "Timed repetitions of each query form, after "
              + WARMUP_QUERIES
              + " warm-up ones. Default: ${DEFAULT-VALUE}.")
  int queries = 200;

  @Option(
      names = "--page",
      defaultValue = "100",
      description = "Page size of the listing queries. Default: ${DEFAULT-VALUE}.")
  int page = 100;

  @Option(
      names = "--history",
      defaultValue = "0",
      description =
          "Job numbers the queue gave out before these statuses, all pruned since (a queue on day"
              + " 300): 50000000 puts the statuses above 100 000 empty buckets."
              + " Default: ${DEFAULT-VALUE}.")
  long history;

  @Option(
      names = "--walk-every-bucket",
      description =
          "Query as on a queue from before the bucket directory, which the Pruner has not swept"
              + " yet: every bucket number is visited, down to 0.")
  boolean walkEveryBucket;

  static final int WARMUP_QUERIES = 20;

  /** SLOWLOG entries kept while a query form is timed. */
  static final int SLOWLOG_ENTRIES = 100_000;

  /**
   * Script calls at least this slow are logged one by one (µs); faster ones only counted. High
   * enough that the commands inside a script (logged too) rarely are.
   */
  static final long SLOW_CALL_MICROS = 500;

  static final int CONCURRENCY = 200;

  /**
   * Statuses per enqueue round, at most; a round makes one enqueueAll call per job name and
   * outcome. There are at least 64 rounds, so that any third of the recorded times holds every job
   * name and outcome.
   */
  static final int MAX_ROUND = 20_000;

  /** Of the jobs the worker runs (the first 80 %), every 8th fails: 10 % of all statuses. */
  static final int FAIL_EVERY = 8;

  /** At most this many statuses get a job argument, spread evenly over all of them. */
  static final int MAX_LABELLED = 10_000;

  /** The labelled statuses get values "b0" … "b999" in turn. */
  static final int ARG_VALUES = 1000;

  static final long DEEP_OFFSET = 10_000;
  static final Duration SCHEDULE_DELAY = Duration.ofHours(1);
  static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

  private static final List<JobType<Noop>> NAMES = BenchJobs.NAMED;
  private static final String QUEUE = Queues.DEFAULT;

  @Override
  String id() {
    return "W5";
  }

  @Override
  String name() {
    return "statuses";
  }

  @Override
  ObjectNode settings() {
    ObjectNode s = BenchEnv.JSON.createObjectNode();
    s.put("statuses", statuses);
    s.put("queries", queries);
    s.put("warmupQueries", WARMUP_QUERIES);
    s.put("page", page);
    s.put("history", history);
    s.put("walkEveryBucket", walkEveryBucket);
    s.put("deepOffset", deepOffset());
    s.put("concurrency", CONCURRENCY);
    s.put("queue", QUEUE);
    ArrayNode names = s.putArray("jobNames");
    NAMES.forEach(t -> names.add(t.name()));
    s.put("succeeded", running() - failedOf(running()));
    s.put("failed", failedOf(running()));
    s.put("scheduled", scheduled());
    s.put("queued", statuses - running() - scheduled());
    s.put("labelled", labelled());
    s.put("deadJobsMaxSize", deadJobsMaxSize());
    return s;
  }

  @Override
  List<String> mainFigures() {
    List<String> figures = new ArrayList<>();
    for (String form : FORMS) {
      figures.add(form + "P50Ms");
      figures.add(form + "P99Ms");
    }
    figures.addAll(List.of("bytesPerStatus", "indexBytesPerStatus", "setupSeconds"));
    return figures;
  }

  /** The query forms, in the order they are timed; figures are named after them. */
  static final List<String> FORMS =
      List.of(
          "failedPage",
          "failedCount",
          "threeClausePage",
          "threeClauseCount",
          "deepPage",
          "jobArgPage",
          "jobArgCount",
          "allPage",
          "allCount");

  @Override
  void scale(double factor) {
    statuses = Math.max(1000, (int) (statuses * factor));
    queries = Math.max(5, (int) (queries * factor));
  }

  @Override
  void validate() {
    if (statuses < 100 || statuses > 100_000_000) {
      throw new IllegalArgumentException("--statuses must be in [100, 100000000], got " + statuses);
    }
    if (queries < 1) {
      throw new IllegalArgumentException("--queries must be positive, got " + queries);
    }
    if (page < 1 || page > 10_000) {
      throw new IllegalArgumentException("--page must be in [1, 10000], got " + page);
    }
    if (history < 0 || history > 10_000_000_000L) {
      throw new IllegalArgumentException("--history must be in [0, 10000000000], got " + history);
    }
  }

  /** The statuses the worker runs: the first 80 %. */
  private int running() {
    return (int) (statuses * 8L / 10);
  }

  private int scheduled() {
    return statuses / 10;
  }

  private int labelled() {
    return Math.min(MAX_LABELLED, Math.max(1, statuses / 100));
  }

  /** 10 000, or half the failed statuses when there are fewer than 20 000. */
  private long deepOffset() {
    return Math.min(DEEP_OFFSET, failedOf(running()) / 2);
  }

  /** Large enough that no failed job (and status) is purged from the dead set. */
  private long deadJobsMaxSize() {
    return Math.max(Spool.Builder.DEFAULT_DEAD_JOBS_MAX_SIZE, statuses);
  }

  /** Job i fails when the worker runs it: every 8th group of four (one job of each name). */
  private static boolean fails(int i, int running) {
    return i < running && (i / NAMES.size()) % FAIL_EVERY == FAIL_EVERY - 1;
  }

  private static int failedOf(int running) {
    int n = 0;
    for (int i = 0; i < running; i++) {
      if (fails(i, running)) {
        n++;
      }
    }
    return n;
  }

  @Override
  RunResult runOnce(BenchEnv env, String namespace, String tag) {
    if (!env.dedicated) {
      env.progress(tag + " note: --redis was given, so other clients may disturb used_memory");
      return measure(env, env.uri, env.probe, namespace, tag);
    }
    // A fresh server per run, as W4: used_memory owes nothing to earlier runs.
    try (SpoolRedis fresh = BenchEnv.startDedicated();
        RedisProbe probe = RedisProbe.connect(fresh.uri())) {
      env.progress(tag + " started a fresh dedicated redis-server at " + fresh.uri());
      try {
        RunResult result = measure(env, fresh.uri(), probe, namespace, tag);
        result.put("freshRedis", true);
        return result;
      } finally {
        // The testkit's dedicated server saves a snapshot when it stops: emptied first, it does
        // not spend longer than its stop timeout writing hundreds of MB nobody reads.
        probe.flushAll();
      }
    }
  }

  /** What the setup made, job index by job index: the expected answer of any query. */
  private static final class Made {
    final int n;
    final long[] number;
    final State[] state;
    final byte[] name;
    final long[] recorded;
    final int[] arg;
    int nonUniformCalls;

    Made(int n) {
      this.n = n;
      number = new long[n];
      state = new State[n];
      name = new byte[n];
      recorded = new long[n];
      arg = new int[n];
      Arrays.fill(arg, -1);
    }

    long count(IntPredicate p) {
      long c = 0;
      for (int i = 0; i < n; i++) {
        if (p.test(i)) {
          c++;
        }
      }
      return c;
    }

    /** The job numbers of a page, newest (highest number) first. */
    List<Long> page(IntPredicate p, long offset, int limit) {
      long[] matching = new long[(int) count(p)];
      int k = 0;
      for (int i = 0; i < n; i++) {
        if (p.test(i)) {
          matching[k++] = number[i];
        }
      }
      Arrays.sort(matching);
      List<Long> out = new ArrayList<>(limit);
      for (long j = matching.length - 1 - offset; j >= 0 && out.size() < limit; j--) {
        out.add(matching[(int) j]);
      }
      return out;
    }
  }

  private RunResult measure(
      BenchEnv env, String uri, RedisProbe probe, String namespace, String tag) {
    RunResult result = new RunResult();
    int n = statuses;
    int running = running();
    int scheduled = scheduled();
    Made made = new Made(n);
    RunCounter counter = new RunCounter(running);
    try (Spool spool =
        Spool.builder()
            .redis(uri)
            .namespace(namespace)
            .deadJobsMaxSize(deadJobsMaxSize())
            .build()) {
      Statuses statuses = spool.statuses();
      result.check(
          probe.awaitLazyFree(Duration.ofSeconds(30)),
          "Redis still had objects to free after 30 s");
      spool.monitor().counts(QUEUE); // the connection is up and used once before measuring
      Keys.QueueKeys q = new Keys(namespace).queue(QUEUE);
      if (history > 0) {
        // As this version leaves a queue whose first `history` jobs ran and were pruned: the
        // sequence past them, the bucket directory trusted from bucket 0 and empty.
        probe.commands().set(q.seq(), Long.toString(history));
        probe.commands().set(q.prefix() + "ix:dir:low", "0");
      }
      long before = probe.usedMemory();

      // ---- setup: 80 % enqueued and run (every 8th fails) ----------------------------------
      long s0 = System.nanoTime();
      JobOptions failOnce = JobOptions.builder().retry(Retry.none()).build();
      enqueue(spool, made, 0, running, running, JobOptions.NONE, failOnce, State.SUCCEEDED);
      double enqueueSeconds = (System.nanoTime() - s0) / 1e9;
      env.progress(
          "%s enqueued %d jobs to run in %.2f s (%.0f jobs/s)"
              .formatted(tag, running, enqueueSeconds, running / enqueueSeconds));
      long expectedSucceeded = made.count(i -> made.state[i] == State.SUCCEEDED);
      long expectedFailed = made.count(i -> made.state[i] == State.FAILED);

      long p0 = System.nanoTime();
      Worker.Builder builder =
          spool
              .worker("bench-statuses")
              .queues(QUEUE)
              .concurrency(CONCURRENCY)
              .shutdownTimeout(Duration.ofSeconds(5));
      for (JobType<Noop> type : NAMES) {
        builder.handle(
            type,
            (job, a) -> {
              counter.ran(a.n());
              if (fails(a.n(), running)) {
                throw new IllegalStateException("planned failure of job " + a.n());
              }
            });
      }
      Worker worker = builder.start();
      QueueCounts[] last = {spool.monitor().counts(QUEUE)};
      boolean inTime;
      try {
        inTime =
            Waits.until(
                () -> {
                  QueueCounts c = last[0] = spool.monitor().counts(QUEUE);
                  return c.completed() >= expectedSucceeded
                      && c.dead() >= expectedFailed
                      && c.processing() == 0;
                },
                env.timeout(),
                50);
      } finally {
        worker.close();
      }
      double processSeconds = (System.nanoTime() - p0) / 1e9;
      QueueCounts ran = spool.monitor().counts(QUEUE);
      result.check(inTime, "timed out after " + env.options.timeoutSeconds + " s: " + last[0]);
      result.check(
          ran.completed() == expectedSucceeded,
          "completed is " + ran.completed() + ", expected " + expectedSucceeded);
      result.check(
          ran.dead() == expectedFailed, "dead is " + ran.dead() + ", expected " + expectedFailed);
      result.check(
          ran.ready() == 0 && ran.delayed() == 0 && ran.processing() == 0,
          "jobs left after the worker: " + ran);
      env.progress(
          "%s worker ran %d jobs in %.2f s (%.0f jobs/s): %s"
              .formatted(tag, running, processSeconds, running / processSeconds, ran));

      // ---- setup: 10 % scheduled an hour ahead, 10 % queued with no worker -----------------
      long r0 = System.nanoTime();
      enqueue(
          spool,
          made,
          running,
          running + scheduled,
          running,
          JobOptions.builder().delay(SCHEDULE_DELAY).build(),
          null,
          State.SCHEDULED);
      enqueue(spool, made, running + scheduled, n, running, JobOptions.NONE, null, State.QUEUED);
      double restSeconds = (System.nanoTime() - r0) / 1e9;

      // ---- setup: job arguments on a sample ------------------------------------------------
      long l0 = System.nanoTime();
      int labelled = labelled();
      int stride = n / labelled;
      int missing = 0;
      for (int k = 0; k < labelled; k++) {
        int i = k * stride;
        Optional<JobStatus> status = statuses.find(new JobId(QUEUE, made.number[i]));
        if (status.isEmpty()) {
          missing++;
          continue;
        }
        status.get().jobArgs(Map.of("book", "b" + (k % ARG_VALUES)));
        made.arg[i] = k % ARG_VALUES;
      }
      double labelSeconds = (System.nanoTime() - l0) / 1e9;
      if (walkEveryBucket) {
        // Where the directory is trusted from, and the sweep the worker's Pruner began: gone.
        probe.commands().del(q.prefix() + "ix:dir:low", q.prefix() + "ix:dir:scan");
      }
      double setupSeconds = (System.nanoTime() - s0) / 1e9;
      result.check(missing == 0, missing + " statuses to label were not found");
      result.check(
          made.nonUniformCalls == 0,
          made.nonUniformCalls
              + " enqueueAll calls recorded their statuses at different times; the expected"
              + " answers of time ranges may be off");

      long after = probe.usedMemory();
      RedisProbe.KeysMemory index = probe.memoryUsage(namespace + ":{" + QUEUE + "}:ix:*");
      long keys = probe.countKeys(namespace);
      env.progress(
          ("%s setup: %d statuses in %.1f s (%.0f/s); used_memory %d -> %d (%.1f bytes/status,"
                  + " indexes %.1f in %d keys)")
              .formatted(
                  tag,
                  n,
                  setupSeconds,
                  n / setupSeconds,
                  before,
                  after,
                  (after - before) / (double) n,
                  index.bytes() / (double) n,
                  index.keys()));
      result.put("setupSeconds", setupSeconds, 3);
      result.put("setupStatusesPerSec", n / setupSeconds, 0);
      result.put("setupEnqueueSeconds", enqueueSeconds, 3);
      result.put("setupProcessSeconds", processSeconds, 3);
      result.put("setupProcessedJobsPerSec", running / processSeconds, 0);
      result.put("setupEnqueueRestSeconds", restSeconds, 3);
      result.put("setupLabelSeconds", labelSeconds, 3);
      result.put("usedMemoryBefore", before);
      result.put("usedMemoryAfterSetup", after);
      result.put("bytesPerStatus", (after - before) / (double) n, 1);
      result.put("indexBytesPerStatus", index.bytes() / (double) n, 1);
      result.put("indexKeys", index.keys());
      result.put("keys", keys);

      verifyStates(statuses, spool.monitor().counts(QUEUE), made, result);
      timeQueries(env, tag, statuses, made, result, env.dedicated ? probe : null);
    }
    counter.report(result);
    return result;
  }

  /**
   * Enqueues jobs [from, to) in rounds, one enqueueAll call per job name and outcome, and records
   * each job's number, expected state, name and recorded time (read back: one per call).
   */
  private static void enqueue(
      Spool spool,
      Made made,
      int from,
      int to,
      int running,
      JobOptions options,
      JobOptions failOptions,
      State state) {
    int size = Math.clamp(made.n / 64, NAMES.size() * FAIL_EVERY, MAX_ROUND);
    for (int round = from; round < to; round += size) {
      int end = Math.min(to, round + size);
      for (int t = 0; t < NAMES.size(); t++) {
        for (boolean failing : new boolean[] {false, true}) {
          List<Integer> indexes = new ArrayList<>();
          List<Noop> args = new ArrayList<>();
          for (int i = round; i < end; i++) {
            if (i % NAMES.size() == t && fails(i, running) == failing) {
              indexes.add(i);
              args.add(new Noop(i));
            }
          }
          if (indexes.isEmpty()) {
            continue;
          }
          List<JobId> ids = spool.enqueueAll(NAMES.get(t), args, failing ? failOptions : options);
          if (ids.size() != indexes.size()) {
            throw new IllegalStateException(
                "enqueueAll returned " + ids.size() + " ids for " + indexes.size());
          }
          long recorded = recorded(spool, ids.getFirst());
          if (recorded(spool, ids.getLast()) != recorded) {
            made.nonUniformCalls++;
          }
          for (int k = 0; k < ids.size(); k++) {
            int i = indexes.get(k);
            made.number[i] = ids.get(k).number();
            made.state[i] = failing ? State.FAILED : state;
            made.name[i] = (byte) t;
            made.recorded[i] = recorded;
          }
        }
      }
    }
  }

  private static long recorded(Spool spool, JobId id) {
    Instant at =
        spool
            .statuses()
            .find(id)
            .flatMap(s -> s.timestamp(Timestamp.RECORDED_AT))
            .orElseThrow(() -> new IllegalStateException("no recorded time for " + id));
    return micros(at);
  }

  private static long micros(Instant at) {
    return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1000);
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
  }

  /** Counts per state, by query and by the queue's own counters, against what was made. */
  private static void verifyStates(
      Statuses statuses, QueueCounts counts, Made made, RunResult result) {
    for (State s : List.of(State.SUCCEEDED, State.FAILED, State.QUEUED, State.SCHEDULED)) {
      long expected = made.count(i -> made.state[i] == s);
      long got = statuses.where(s).count();
      result.put(s.stored(), got);
      result.check(got == expected, s.stored() + " count is " + got + ", expected " + expected);
    }
    long others = statuses.where(State.UNQUEUED, State.STARTED, State.KILLED).count();
    result.check(others == 0, others + " statuses are unqueued, started or killed");
    long expectedQueued = made.count(i -> made.state[i] == State.QUEUED);
    long expectedScheduled = made.count(i -> made.state[i] == State.SCHEDULED);
    result.check(
        counts.ready() == expectedQueued && counts.delayed() == expectedScheduled,
        "queue counts "
            + counts
            + ", expected ready "
            + expectedQueued
            + " and delayed "
            + expectedScheduled);
  }

  /** One query form: what it runs, and its expected answer. */
  private record Form(
      String name,
      StatusQuery query,
      boolean count,
      long expectedCount,
      List<Long> expectedPage,
      Predicate<JobStatus> matches) {}

  /**
   * @param slowlog the dedicated server's probe: its INFO commandstats count the query script calls
   *     and its SLOWLOG times the slow ones, as Redis saw them; null when the server is not ours to
   *     reconfigure
   */
  private void timeQueries(
      BenchEnv env,
      String tag,
      Statuses statuses,
      Made made,
      RunResult result,
      RedisProbe slowlog) {
    int n = made.n;
    long[] sorted = made.recorded.clone();
    Arrays.sort(sorted);
    long fromMicros = sorted[n / 3];
    long toMicros = sorted[Math.max(n / 3, 2 * n / 3 - 1)];
    Instant from = instant(fromMicros);
    Instant to = instant(toMicros);
    String value = "b" + (7 % Math.min(labelled(), ARG_VALUES));
    long deep = deepOffset();
    result.put("windowFromMicros", fromMicros);
    result.put("windowToMicros", toMicros);
    result.put("windowMillis", (toMicros - fromMicros) / 1000.0, 3);

    IntPredicate failed = i -> made.state[i] == State.FAILED;
    IntPredicate three =
        i ->
            made.state[i] == State.SUCCEEDED
                && made.name[i] == 0
                && made.recorded[i] >= fromMicros
                && made.recorded[i] <= toMicros;
    IntPredicate labelledWith = i -> made.arg[i] >= 0 && ("b" + made.arg[i]).equals(value);
    IntPredicate any = i -> true;
    String report = NAMES.getFirst().name();
    Predicate<JobStatus> isFailed = s -> s.state() == State.FAILED;
    Predicate<JobStatus> inThree =
        s ->
            s.state() == State.SUCCEEDED
                && s.jobName().equals(Optional.of(report))
                && s.timestamp(Timestamp.RECORDED_AT)
                    .map(StatusQueryCommand::micros)
                    .filter(t -> t >= fromMicros && t <= toMicros)
                    .isPresent();
    Predicate<JobStatus> hasArg = s -> s.jobArgs().containsValue(value);

    StatusQuery failedQ = statuses.where(State.FAILED);
    StatusQuery threeQ =
        statuses.where(State.SUCCEEDED).jobName(report).between(Timestamp.RECORDED_AT, from, to);
    StatusQuery argQ = statuses.jobArg(value);
    List<Form> forms =
        List.of(
            page("failedPage", failedQ.limit(page), made, failed, 0, isFailed),
            count("failedCount", failedQ, made, failed),
            page("threeClausePage", threeQ.limit(page), made, three, 0, inThree),
            count("threeClauseCount", threeQ, made, three),
            page("deepPage", failedQ.offset(deep).limit(page), made, failed, deep, isFailed),
            page("jobArgPage", argQ.limit(page), made, labelledWith, 0, hasArg),
            count("jobArgCount", argQ, made, labelledWith),
            page("allPage", statuses.all().limit(page), made, any, 0, s -> true),
            count("allCount", statuses.all(), made, any));
    if (!forms.stream().map(Form::name).toList().equals(FORMS)) {
      throw new IllegalStateException("FORMS is out of date");
    }

    for (Form f : forms) {
      long[] evalsBefore = null;
      if (slowlog != null) {
        slowlog.startScriptTiming(SLOW_CALL_MICROS, SLOWLOG_ENTRIES);
        evalsBefore = slowlog.evalshaStats();
      }
      Histogram h = new Histogram(HIGHEST_MICROS, 3);
      int wrong = 0;
      String firstWrong = null;
      for (int rep = 0; rep < WARMUP_QUERIES + queries; rep++) {
        long t0 = System.nanoTime();
        Object answer = f.count() ? (Object) f.query().count() : f.query().list();
        long micros = (System.nanoTime() - t0) / 1000;
        if (rep >= WARMUP_QUERIES) {
          h.recordValue(Math.clamp(micros, 0, HIGHEST_MICROS));
        }
        String why = check(f, answer);
        if (why != null) {
          wrong++;
          if (firstWrong == null) {
            firstWrong = why;
          }
        }
      }
      result.check(
          wrong == 0,
          f.name()
              + ": "
              + wrong
              + " of "
              + (WARMUP_QUERIES + queries)
              + " answers wrong, first: "
              + firstWrong);
      result.put(f.name() + "Matches", f.expectedCount());
      result.put(f.name() + "P50Ms", h.getValueAtPercentile(50) / 1000.0, 3);
      result.put(f.name() + "P99Ms", h.getValueAtPercentile(99) / 1000.0, 3);
      result.put(f.name() + "MaxMs", h.getMaxValue() / 1000.0, 3);
      String calls = "";
      if (slowlog != null) {
        long[] evalsAfter = slowlog.evalshaStats();
        long callCount = evalsAfter[0] - evalsBefore[0];
        double meanMs = (evalsAfter[1] - evalsBefore[1]) / 1000.0 / Math.max(1, callCount);
        List<Long> slow = slowlog.slowScriptCalls(Script.QUERY.sha(), SLOWLOG_ENTRIES);
        // The slowest 1 % of calls, if the SLOWLOG holds that many; else all are faster than it.
        int rank = (int) Math.ceil(callCount / 100.0) - 1;
        double p99Ms = rank < slow.size() ? slow.get(rank) / 1000.0 : SLOW_CALL_MICROS / 1000.0;
        double maxMs = slow.isEmpty() ? 0 : slow.getFirst() / 1000.0;
        long over5 = slow.stream().filter(m -> m >= 5_000).count();
        double perQuery = callCount / (double) (WARMUP_QUERIES + queries);
        result.put(f.name() + "CallsPerQuery", perQuery, 1);
        result.put(f.name() + "CallMeanMs", meanMs, 3);
        result.put(f.name() + "CallP99Ms", p99Ms, 3);
        result.put(f.name() + "CallMaxMs", maxMs, 3);
        result.put(f.name() + "CallsOver5Ms", over5);
        calls =
            ("; %.1f script calls per query, each mean %.3f p99 %s%.3f max %.3f ms, %d of %d over"
                    + " 5 ms (Redis's own times)")
                .formatted(
                    perQuery,
                    meanMs,
                    rank < slow.size() ? "" : "< ",
                    p99Ms,
                    maxMs,
                    over5,
                    callCount);
      }
      env.progress(
          "%s %-16s ms: p50 %.3f p99 %.3f max %.3f (%d matches%s)%s"
              .formatted(
                  tag,
                  f.name(),
                  h.getValueAtPercentile(50) / 1000.0,
                  h.getValueAtPercentile(99) / 1000.0,
                  h.getMaxValue() / 1000.0,
                  f.expectedCount(),
                  wrong == 0 ? ", verified" : ", " + wrong + " WRONG: " + firstWrong,
                  calls));
    }
  }

  /** A page of {@code --page} statuses from {@code offset}; the query carries both already. */
  private Form page(
      String name,
      StatusQuery query,
      Made made,
      IntPredicate expected,
      long offset,
      Predicate<JobStatus> matches) {
    return new Form(
        name, query, false, made.count(expected), made.page(expected, offset, page), matches);
  }

  private static Form count(String name, StatusQuery query, Made made, IntPredicate expected) {
    return new Form(name, query, true, made.count(expected), null, null);
  }

  /** Null if the answer is right, else what is wrong with it. */
  private static String check(Form f, Object answer) {
    if (f.count()) {
      long got = (Long) answer;
      return got == f.expectedCount() ? null : "count " + got + ", expected " + f.expectedCount();
    }
    @SuppressWarnings("unchecked")
    List<JobStatus> list = (List<JobStatus>) answer;
    List<Long> numbers = list.stream().map(s -> s.id().number()).toList();
    if (!numbers.equals(f.expectedPage())) {
      return "page of "
          + numbers.size()
          + " starting "
          + numbers.stream().limit(3).toList()
          + ", expected "
          + f.expectedPage().size()
          + " starting "
          + f.expectedPage().stream().limit(3).toList();
    }
    for (JobStatus s : list) {
      if (!s.id().queue().equals(QUEUE) || !f.matches().test(s)) {
        return s.id() + " does not satisfy the query: " + s.raw();
      }
    }
    return null;
  }
}
