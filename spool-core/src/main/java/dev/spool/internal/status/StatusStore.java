package dev.spool.internal.status;

import dev.spool.JobId;
import dev.spool.JobLogLine;
import dev.spool.internal.queue.RedisJobStore;
import dev.spool.internal.redis.Keys;
import dev.spool.internal.redis.Keys.QueueKeys;
import dev.spool.internal.redis.RedisConnection;
import dev.spool.internal.redis.Script;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The status side of the job store: each method one script or one command. A status is the job hash
 * itself, so engine jobs and statuses made by hand share one layout and one set of indexes.
 */
public final class StatusStore {
  /** Kill requests are announced here, as "queue:number". */
  public static final String KILL_CHANNEL = "kill";

  /**
   * The work one query script call may do before it stops, in its own units: a Redis command counts
   * 16, each element a command returns or examines one; about 300 commands, 1–2 ms of Redis time on
   * a quiet machine (see docs/benchmarks.md). A call stops at the first bucket or member boundary
   * past it, so it overshoots by at most one bucket's set reads.
   */
  public static final long QUERY_WORK_PER_CALL = 5_000;

  private final RedisConnection redis;
  private final Keys keys;
  private final long expirySeconds;

  public StatusStore(RedisConnection redis, Keys keys, long expirySeconds) {
    this.redis = redis;
    this.keys = keys;
    this.expirySeconds = expirySeconds;
  }

  public String killChannel() {
    return keys.namespace() + ":" + KILL_CHANNEL;
  }

  public JobId create(String queue, long nowMicros) {
    QueueKeys q = keys.queue(queue);
    Long n =
        redis.await(
            redis.eval(
                Script.STATUS_CREATE,
                ScriptOutputType.INTEGER,
                new String[] {q.seq()},
                q.jobPrefix(),
                Long.toString(nowMicros)));
    return new JobId(queue, n);
  }

  /**
   * The stored fields; empty if there is no such status, or its key holds another type (garbage
   * written behind Spool's back is no status).
   */
  public Map<String, String> load(JobId id) {
    return redis.awaitOrIfWrongType(
        redis.async().hgetall(keys.queue(id.queue()).job(id.number())), Map.of());
  }

  /**
   * Loads many statuses in one pipelined round trip; missing ones, and keys of another type, come
   * back empty: one bad key does not fail the others.
   */
  public List<Map<String, String>> loadAll(List<JobId> ids) {
    List<RedisFuture<Map<String, String>>> futures = new ArrayList<>(ids.size());
    for (JobId id : ids) {
      futures.add(redis.async().hgetall(keys.queue(id.queue()).job(id.number())));
    }
    List<Map<String, String>> out = new ArrayList<>(ids.size());
    for (RedisFuture<Map<String, String>> f : futures) {
      out.add(redis.awaitOrIfWrongType(f, Map.of()));
    }
    return out;
  }

  /**
   * Statuses per call of status-summaries: each is read whole into the script's memory before it is
   * cut (10 with 512 KiB of arguments each: 5 MB), and the calls of a page are pipelined.
   */
  private static final int SUMMARIES_PER_CALL = 10;

  /** The fewest bytes of a field a summary keeps: states, names and times are never cut. */
  private static final long SUMMARY_MIN_BYTES = 256;

  /**
   * Statuses with each field's value cut after at least {@code minChars} characters (in Redis, so a
   * large value is not sent), the errors reduced to the last one's type and message; missing ones,
   * and keys of another type, come back empty. One pipelined round trip.
   */
  public List<Map<String, String>> loadSummaries(List<JobId> ids, int minChars) {
    // Cut in bytes: a character of UTF-8 takes at most 4, so minChars whole characters survive
    // (a character cut in two at the end reads as U+FFFD, after them).
    String maxBytes = Long.toString(Math.max(SUMMARY_MIN_BYTES, 4L * minChars));
    // One call per run of up to 100 ids of the same queue (one Cluster slot), all pipelined.
    List<CompletableFuture<List<Object>>> calls = new ArrayList<>();
    int from = 0;
    while (from < ids.size()) {
      String queue = ids.get(from).queue();
      QueueKeys q = keys.queue(queue);
      List<String> k = new ArrayList<>();
      while (from < ids.size()
          && k.size() < SUMMARIES_PER_CALL
          && ids.get(from).queue().equals(queue)) {
        k.add(q.job(ids.get(from++).number()));
      }
      calls.add(
          redis.eval(
              Script.STATUS_SUMMARIES, ScriptOutputType.MULTI, k.toArray(String[]::new), maxBytes));
    }
    List<Map<String, String>> out = new ArrayList<>(ids.size());
    for (CompletableFuture<List<Object>> call : calls) {
      for (Object flat : redis.<List<Object>>await(call)) {
        List<?> pairs = (List<?>) flat;
        Map<String, String> fields = new HashMap<>(pairs.size());
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
          fields.put((String) pairs.get(i), (String) pairs.get(i + 1));
        }
        out.add(fields);
      }
    }
    return out;
  }

  /**
   * Returns the attempt after the change, -1 if there is no such status, or -2 if it is the status
   * of a job Spool runs (whose state only the engine changes).
   */
  public long setState(JobId id, String state, long nowMicros) {
    QueueKeys q = keys.queue(id.queue());
    return redis.<Long>await(
        redis.eval(
            Script.STATUS_STATE,
            ScriptOutputType.INTEGER,
            new String[] {q.job(id.number())},
            q.jobPrefix(),
            Long.toString(id.number()),
            state,
            Long.toString(nowMicros),
            Long.toString(expirySeconds)));
  }

  /**
   * Sets unindexed fields (pairs); false if there is no such status, or it is no longer the guarded
   * attempt's.
   */
  public boolean set(JobId id, AttemptGuard guard, String... fieldsAndValues) {
    String[] args = new String[4 + fieldsAndValues.length];
    args[0] = "set";
    System.arraycopy(guard.args(), 0, args, 1, 3);
    System.arraycopy(fieldsAndValues, 0, args, 4, fieldsAndValues.length);
    String[] key = {keys.queue(id.queue()).job(id.number())};
    return redis.<Long>await(redis.eval(Script.STATUS_UPDATE, ScriptOutputType.INTEGER, key, args))
        == 1;
  }

  /**
   * Adds a line (JSON) to a job's log, keeping the newest {@link JobLogLine#MAX_LINES}; false if
   * the job has no status, or it is no longer the guarded attempt's.
   */
  public boolean appendLog(JobId id, AttemptGuard guard, String lineJson) {
    QueueKeys q = keys.queue(id.queue());
    String[] g = guard.args();
    return redis.<Long>await(
            redis.eval(
                Script.JOB_LOG,
                ScriptOutputType.INTEGER,
                new String[] {q.job(id.number()), q.log(id.number())},
                lineJson,
                Integer.toString(JobLogLine.MAX_LINES),
                g[0],
                g[1],
                g[2]))
        == 1;
  }

  /** A job's log lines as stored (JSON), oldest first; none if the log is garbage. */
  public List<String> log(JobId id) {
    // At most MAX_LINES: job-log.lua trims the list at every line it adds.
    return redis.awaitOrIfWrongType(
        redis.async().lrange(keys.queue(id.queue()).log(id.number()), -JobLogLine.MAX_LINES, -1),
        List.of());
  }

  /**
   * Up to {@code max} stored lines of a job's log from a position ({@code -1}: the newest), as
   * job-log-read.lua answers: the position of the first line, the lines ever added, then the lines.
   */
  public List<Object> log(JobId id, long from, int max) {
    QueueKeys q = keys.queue(id.queue());
    return redis.await(
        redis.eval(
            Script.JOB_LOG_READ,
            ScriptOutputType.MULTI,
            new String[] {q.job(id.number()), q.log(id.number())},
            Long.toString(from),
            Integer.toString(max)));
  }

  /** Appends an error; false if there is no such status, or not the guarded attempt's. */
  public boolean addError(JobId id, AttemptGuard guard, String errorJson) {
    String key = keys.queue(id.queue()).job(id.number());
    String[] g = guard.args();
    return redis.<Long>await(
            redis.eval(
                Script.STATUS_UPDATE,
                ScriptOutputType.INTEGER,
                new String[] {key},
                "error",
                g[0],
                g[1],
                g[2],
                errorJson))
        == 1;
  }

  /** Sets the job name ("jn") or args ("ja") and moves the index entries. */
  public boolean label(JobId id, String field, String value) {
    QueueKeys q = keys.queue(id.queue());
    return redis.<Long>await(
            redis.eval(
                Script.STATUS_LABEL,
                ScriptOutputType.INTEGER,
                new String[] {q.job(id.number())},
                q.jobPrefix(),
                Long.toString(id.number()),
                field,
                value))
        == 1;
  }

  /**
   * Returns {deleted, refused as incomplete}. A batch part deleted before it ended is reported to
   * its batch as failed.
   */
  public long[] delete(String queue, List<Long> numbers, boolean force, long nowMicros) {
    if (numbers.isEmpty()) {
      return new long[] {0, 0};
    }
    QueueKeys q = keys.queue(queue);
    String[] args = new String[4 + numbers.size()];
    args[0] = q.jobPrefix();
    args[1] = force ? "1" : "0";
    args[2] = Long.toString(nowMicros);
    args[3] = RedisJobStore.BATCH_PART_DONE;
    for (int i = 0; i < numbers.size(); i++) {
      args[4 + i] = Long.toString(numbers.get(i));
    }
    String[] k = {q.ready(), q.prio(), q.delayed(), q.active(), q.dead()};
    List<Object> r =
        redis.await(
            redis.<List<Object>>eval(Script.STATUS_DELETE, ScriptOutputType.MULTI, k, args));
    return new long[] {(Long) r.get(0), (Long) r.get(1)};
  }

  /** 2 killed at once, 1 requested, 0 no such status, -1 already finished. */
  public int requestKill(JobId id, long nowMicros) {
    QueueKeys q = keys.queue(id.queue());
    Long r =
        redis.await(
            redis.eval(
                Script.REQUEST_KILL,
                ScriptOutputType.INTEGER,
                new String[] {q.ready(), q.prio(), q.delayed()},
                q.jobPrefix(),
                Long.toString(id.number()),
                Long.toString(nowMicros),
                Long.toString(expirySeconds),
                killChannel(),
                id.toString(),
                RedisJobStore.BATCH_PART_DONE));
    return r.intValue();
  }

  /**
   * One call of the query script: matching job numbers below {@code below} ({@link
   * QueryStep#FROM_NEWEST} to start), newest first. The call stops once its work reaches {@link
   * #QUERY_WORK_PER_CALL}, so no call keeps Redis busy for long; continue from the step's cursor.
   *
   * @param count true to count the matches; false to skip {@code offset} and return up to {@code
   *     limit}
   */
  public QueryStep step(
      String queue, List<String> clauses, boolean count, long below, long offset, long limit) {
    return redis.await(stepAsync(queue, clauses, count, below, offset, limit));
  }

  /** {@link #step}, sent without waiting for its answer (so that queues' steps share a trip). */
  private CompletableFuture<QueryStep> stepAsync(
      String queue, List<String> clauses, boolean count, long below, long offset, long limit) {
    QueueKeys q = keys.queue(queue);
    String[] args = new String[7 + clauses.size()];
    args[0] = q.jobPrefix();
    args[1] = count ? "count" : "list";
    args[2] = Long.toString(offset);
    args[3] = Long.toString(limit);
    args[4] = below == QueryStep.FROM_NEWEST ? "" : Long.toString(below);
    args[5] = Long.toString(QUERY_WORK_PER_CALL);
    for (int i = 0; i < clauses.size(); i++) {
      args[6 + i] = clauses.get(i);
    }
    return redis
        .<List<Object>>eval(Script.QUERY, ScriptOutputType.MULTI, new String[] {q.seq()}, args)
        .thenApply(
            r -> {
              List<Long> numbers = new ArrayList<>(r.size() - 3);
              for (int i = 3; i < r.size(); i++) {
                numbers.add((Long) r.get(i));
              }
              return new QueryStep((Long) r.get(0), (Long) r.get(1), (Long) r.get(2), numbers);
            });
  }

  /**
   * The job numbers of one queue matching the clauses, newest first, skipping {@code offset}: as
   * many bounded script calls as it takes.
   */
  public List<Long> query(String queue, List<String> clauses, long offset, long limit) {
    List<Long> out = new ArrayList<>();
    long below = QueryStep.FROM_NEWEST;
    long toSkip = offset;
    while (true) {
      QueryStep step = step(queue, clauses, false, below, toSkip, limit - out.size());
      out.addAll(step.numbers());
      toSkip -= step.skipped();
      if (step.exhausted() || out.size() >= limit) {
        return out;
      }
      below = step.cursor();
    }
  }

  /**
   * Per queue, up to {@code limit} matching job numbers below its cursor ({@code belowByQueue}),
   * newest first, and the cursor of its next page ({@link QueryStep#END} when none is left): keyset
   * paging, so a deep page costs no more than the first. Every round sends one step of each queue
   * not yet done together, so a page over 20 queues costs the round trips of its longest walk, not
   * the sum of them.
   */
  public Map<String, QueryStep> pages(
      Map<String, Long> belowByQueue, Function<String, List<String>> clauses, long limit) {
    Map<String, QueryStep> out = new HashMap<>();
    walkTogether(belowByQueue, clauses, false, limit)
        .forEach(
            (queue, w) -> out.put(queue, new QueryStep(w.cursor, 0, w.numbers.size(), w.numbers)));
    return out;
  }

  /** How many statuses of one queue match: as many bounded script calls as it takes. */
  public long count(String queue, List<String> clauses) {
    return count(List.of(queue), name -> clauses);
  }

  /**
   * How many statuses of these queues match, all counted together: every round sends one bounded
   * call of each queue not yet counted, so many queues cost the round trips of the longest count.
   */
  public long count(List<String> queues, Function<String, List<String>> clauses) {
    Map<String, Long> fromNewest = new HashMap<>();
    queues.forEach(queue -> fromNewest.put(queue, QueryStep.FROM_NEWEST));
    return walkTogether(fromNewest, clauses, true, 0).values().stream()
        .mapToLong(w -> w.counted)
        .sum();
  }

  /** One queue's walk of the query script: where it stands, and what it found so far. */
  private static final class Walk {
    long cursor;
    long counted;
    final List<Long> numbers = new ArrayList<>();

    Walk(long below) {
      this.cursor = below;
    }
  }

  /**
   * Walks the queues' query steps together: each round sends one bounded call of every queue still
   * walking (pipelined), until each is exhausted or, listing, has {@code limit} numbers.
   */
  private Map<String, Walk> walkTogether(
      Map<String, Long> belowByQueue,
      Function<String, List<String>> clauses,
      boolean count,
      long limit) {
    Map<String, Walk> walks = new HashMap<>();
    belowByQueue.forEach((queue, below) -> walks.put(queue, new Walk(below)));
    List<String> walking = new ArrayList<>(walks.keySet());
    while (!walking.isEmpty()) {
      Map<String, CompletableFuture<QueryStep>> round = new HashMap<>();
      for (String queue : walking) {
        Walk w = walks.get(queue);
        long wanted = count ? 0 : limit - w.numbers.size();
        round.put(queue, stepAsync(queue, clauses.apply(queue), count, w.cursor, 0, wanted));
      }
      walking = new ArrayList<>();
      for (Map.Entry<String, CompletableFuture<QueryStep>> e : round.entrySet()) {
        QueryStep step = redis.await(e.getValue());
        Walk w = walks.get(e.getKey());
        w.numbers.addAll(step.numbers());
        w.counted += step.counted();
        w.cursor = step.cursor();
        if (!step.exhausted() && (count || w.numbers.size() < limit)) {
          walking.add(e.getKey());
        }
      }
    }
    return walks;
  }

  /**
   * Deletes up to {@code max} statuses finished at or before the cutoff, oldest first; returns how
   * many (call again while it returns {@code max}).
   */
  public long prune(String queue, long cutoffMicros, int max) {
    QueueKeys q = keys.queue(queue);
    return redis.<Long>await(
        redis.eval(
            Script.PRUNE,
            ScriptOutputType.INTEGER,
            new String[] {q.finished()},
            q.jobPrefix(),
            Long.toString(cutoffMicros),
            Integer.toString(max)));
  }

  /**
   * One step of the sweep that keeps a queue's directory of status buckets whole (so that queries
   * visit the buckets that hold statuses, not every number the queue ever issued): checks up to
   * {@code buckets} buckets, newest first; a sweep ends at bucket 0, and the next starts {@code
   * period} later. Returns how many it checked, 0 when no sweep is due (call again while it returns
   * {@code buckets}).
   */
  public long sweepIndex(String queue, int buckets, Duration period) {
    QueueKeys q = keys.queue(queue);
    return redis.<Long>await(
        redis.eval(
            Script.INDEX_SWEEP,
            ScriptOutputType.INTEGER,
            new String[] {q.seq()},
            q.prefix(),
            Integer.toString(buckets),
            Long.toString(period.toMillis())));
  }
}
