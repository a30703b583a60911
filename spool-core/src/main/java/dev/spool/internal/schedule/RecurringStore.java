package dev.spool.internal.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.spool.JobOptions;
import dev.spool.RecurringJob;
import dev.spool.Schedule;
import dev.spool.internal.queue.RecurringDefinition;
import dev.spool.internal.redis.FailureScope;
import dev.spool.internal.redis.Keys;
import dev.spool.internal.redis.Keys.QueueKeys;
import dev.spool.internal.redis.RedisConnection;
import dev.spool.internal.redis.Script;
import io.lettuce.core.Range;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.ZAddArgs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Recurring jobs in Redis: definitions and next runs per queue, ticks fired exactly once. */
public final class RecurringStore {
  private static final Logger log = LoggerFactory.getLogger(RecurringStore.class);

  /** Due entries read per call; a pass reads pages until none is left, up to MAX_PAGES. */
  private static final int PAGE = 100;

  private static final int MAX_PAGES = 10;

  /** How long a tick whose definition does not parse waits before it is read again. */
  private static final long MALFORMED_RETRY_MS = 60_000;

  /** How often a node checks that each definition of a queue has a due entry (ms). */
  static final long DUE_CHECK_MS = 30_000;

  /** When each queue's due entries were last checked against its definitions, by this node. */
  private final Map<String, Long> dueCheckedAtMs = new ConcurrentHashMap<>();

  /** How {@link #list} describes the schedule of a definition that does not parse. */
  private static final String MALFORMED = "malformed definition: ";

  /** The longest unique lock TTL a stored definition may name: 1 000 years, past any real one. */
  private static final long MAX_LOCK_TTL_MS = Duration.ofDays(365_000).toMillis();

  /** Ticks whose script refused them ("queue\nname"), and until when (ms) they wait. */
  private final Map<String, Long> refusedUntilMs = new ConcurrentHashMap<>();

  /** Malformed definitions already logged ("queue\nname" -> the definition), to log each once. */
  private final Map<String, String> malformed = new ConcurrentHashMap<>();

  private final RedisConnection redis;
  private final Keys keys;

  public RecurringStore(RedisConnection redis, Keys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /**
   * Creates or replaces; a name moves queues if it was defined on another one. The name is mapped
   * to its queue before the definition is written: a definition left in another queue (a crash
   * mid-move, two processes moving it at once) is removed by that queue's stager when it comes due
   * ({@link #fire}), never fired beside the mapped one.
   */
  public void set(String name, String queue, RecurringDefinition definition, long nextRunMs) {
    String previous =
        redis.awaitSettingAsideWrongType(
            keys.recurringNames(), () -> redis.async().hget(keys.recurringNames(), name));
    if (previous != null && !previous.equals(queue)) {
      cancel(name);
    }
    QueueKeys q = keys.queue(queue);
    // Read before the name is mapped: the mapping and the definition's write follow each other
    // closely (a cancel from elsewhere between them leaves a definition no name maps to).
    String sameSchedule = storedWithSchedule(q, name, definition.schedule());
    redis.awaitSettingAsideWrongType(
        keys.recurringNames(), () -> redis.async().hset(keys.recurringNames(), name, queue));
    redis.await(
        redis.eval(
            Script.RECUR_SET,
            ScriptOutputType.INTEGER,
            new String[] {q.recurring(), q.recurringDue()},
            name,
            definition.toJson(),
            Long.toString(nextRunMs),
            q.dueChannel(),
            sameSchedule));
  }

  /**
   * The stored definition of {@code name} if it is sound and has this schedule, else "": the job
   * then keeps its next run when defined again (recur-set.lua), as long as that definition is still
   * the one stored.
   */
  private String storedWithSchedule(QueueKeys q, String name, String schedule) {
    String json = redis.awaitOrIfWrongType(redis.async().hget(q.recurring(), name), null);
    if (json == null) {
      return "";
    }
    try {
      RecurringDefinition stored = RecurringDefinition.parse(json);
      return problem(stored) == null && schedule.equals(stored.schedule()) ? json : "";
    } catch (JsonProcessingException | RuntimeException e) {
      return "";
    }
  }

  /**
   * Moves the next run of a recurring job to now and wakes the stagers of its queue; true if there
   * is such a recurring job. Only an existing entry is moved (ZADD XX): a cancel in between wins.
   */
  public boolean triggerNow(String name, long nowMs) {
    String queue = redis.awaitOrIfWrongType(redis.async().hget(keys.recurringNames(), name), null);
    QueueKeys q = queue == null ? null : queueOf(queue);
    if (q == null) {
      return false;
    }
    Long changed =
        redis.await(
            redis.async().zadd(q.recurringDue(), ZAddArgs.Builder.xx().ch(), (double) nowMs, name));
    // Unchanged: cancelled meanwhile (XX added nothing), or already due at this very millisecond.
    if (changed == 0 && redis.await(redis.async().zscore(q.recurringDue(), name)) == null) {
      return false;
    }
    redis.await(redis.async().publish(q.dueChannel(), Long.toString(nowMs)));
    return true;
  }

  /**
   * The keys of the queue a recurring job's name maps to; null if that is no queue name (written
   * behind Spool's back): such an entry is no recurring job, and harms no other.
   */
  private QueueKeys queueOf(String queue) {
    try {
      return keys.queue(queue);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Returns true if there was such a recurring job. */
  public boolean cancel(String name) {
    String queue = redis.awaitOrIfWrongType(redis.async().hget(keys.recurringNames(), name), null);
    if (queue == null) {
      return false;
    }
    QueueKeys q = queueOf(queue);
    if (q == null) {
      redis.await(redis.async().hdel(keys.recurringNames(), name)); // garbage: only the name
      return true;
    }
    redis.await(
        redis.eval(
            Script.RECUR_CANCEL,
            ScriptOutputType.INTEGER,
            new String[] {q.recurring(), q.recurringDue(), q.recurringLast()},
            name));
    redis.await(redis.async().hdel(keys.recurringNames(), name));
    return true;
  }

  public List<RecurringJob> list() {
    // Whole: one entry per recurring job an application declared (tens, not history); names of
    // cancelled ones leave it.
    Map<String, String> names =
        redis.awaitOrIfWrongType(redis.async().hgetall(keys.recurringNames()), Map.of());
    List<RecurringJob> out = new ArrayList<>();
    for (Map.Entry<String, String> e : names.entrySet()) {
      QueueKeys q = queueOf(e.getValue());
      if (q == null) {
        continue;
      }
      // A queue's key of another type (garbage) leaves its jobs out, not every queue's.
      String json = redis.awaitOrIfWrongType(redis.async().hget(q.recurring(), e.getKey()), null);
      Double next =
          redis.awaitOrIfWrongType(redis.async().zscore(q.recurringDue(), e.getKey()), null);
      String last =
          redis.awaitOrIfWrongType(redis.async().hget(q.recurringLast(), e.getKey()), null);
      if (json == null || next == null) {
        continue;
      }
      RecurringDefinition d = null;
      Optional<Instant> lastRun =
          Optional.ofNullable(last)
              .filter(l -> l.matches("\\d{1,18}"))
              .map(l -> Instant.ofEpochMilli(Long.parseLong(l)));
      try {
        d = RecurringDefinition.parse(json);
        Schedule schedule = scheduleOf(d);
        out.add(
            new RecurringJob(
                e.getKey(),
                e.getValue(),
                schedule.toString(),
                d.type(),
                d.args(),
                lastRun,
                Instant.ofEpochMilli(next.longValue()),
                Optional.ofNullable(d.node()),
                d.strictNode(),
                Optional.ofNullable(d.notNode()),
                d.priority()));
      } catch (JsonProcessingException | RuntimeException ex) {
        // Listed all the same, so that an operator sees it (and can cancel or define it again);
        // its ticks wait, tried again every minute, while the others fire.
        String reason = malformedBecause(ex);
        out.add(
            new RecurringJob(
                e.getKey(),
                e.getValue(),
                MALFORMED + reason,
                d != null && d.type() != null ? d.type() : "?",
                d != null ? d.args() : null,
                lastRun,
                Instant.ofEpochMilli(next.longValue())));
      }
    }
    out.sort((a, b) -> a.name().compareTo(b.name()));
    return out;
  }

  /**
   * Fires every due tick of a queue's recurring jobs; returns when the next one is due (ms), or -1
   * if the queue has none. Due entries are read a page at a time: a tick that fires, or whose
   * definition is missing or malformed, moves out of the due range, so the pages after it come up.
   * A node's passes run one at a time (the {@link Stager}'s), so a refused tick is tried, and
   * warned of, once per pass.
   */
  public long fireDue(String queue, long nowMicros) {
    QueueKeys q = keys.queue(queue);
    long nowMs = nowMicros / 1000;
    restoreDueEntries(q, queue, nowMs);
    long retryAtMs = Long.MAX_VALUE; // the soonest a refused tick is tried again
    int leftDue = 0; // due entries this pass leaves where they are: later pages start past them
    int moved = 0;
    for (int page = 0; page < MAX_PAGES; page++) {
      List<ScoredValue<String>> due = duePage(q, nowMs, leftDue);
      if (due == null) { // garbage in place of the due set: set aside now, the entries restored
        dueCheckedAtMs.remove(queue);
        restoreDueEntries(q, queue, nowMs);
        due = Objects.requireNonNullElse(duePage(q, nowMs, leftDue), List.of());
      }
      for (ScoredValue<String> tick : due) {
        String tickKey = queue + '\n' + tick.getValue();
        Long refusedUntil = refusedUntilMs.get(tickKey);
        if (refusedUntil != null && nowMs < refusedUntil) {
          retryAtMs = Math.min(retryAtMs, refusedUntil);
          leftDue++;
          continue;
        }
        try {
          if (fire(q, queue, tick.getValue(), scoreText(tick.getScore()), nowMicros)) {
            moved++;
          } else if (stillDue(q, tick.getValue(), nowMs)) {
            leftDue++; // not movable: the end of the pass says; later pages start past it
          } // else another node fired it meanwhile: out of the due range, no place to skip

          refusedUntilMs.remove(tickKey);
        } catch (RuntimeException e) {
          if (FailureScope.wholeRedis(e)) {
            throw e;
          }
          // One tick refused by its script must not stop the queue's other ticks; it is tried
          // again after a pause, not on every pass the other queues' work brings.
          long until = nowMs + FailureScope.RETRY_REFUSED_MS;
          refusedUntilMs.put(tickKey, until);
          retryAtMs = Math.min(retryAtMs, until);
          leftDue++;
          log.warn(
              "recurring job '{}' of queue {} could not fire, retrying in {} s: {}",
              tick.getValue(),
              queue,
              FailureScope.RETRY_REFUSED_MS / 1000,
              e.getMessage());
        }
      }
      if (due.size() < PAGE) {
        break;
      }
      if (page == MAX_PAGES - 1 && moved > 0) {
        return nowMs; // more due than one pass takes on: the next pass goes on at once
      }
    }
    List<ScoredValue<String>> first =
        redis.await(redis.async().zrangeWithScores(q.recurringDue(), 0, 0));
    if (first.isEmpty()) {
      return -1;
    }
    long firstDueMs = (long) first.getFirst().getScore();
    if (firstDueMs > nowMs) {
      return firstDueMs;
    }
    // Still due after a whole pass: a refused tick, or one this pass could not move. The next pass
    // is when it may be tried again, or when the next tick that is not due yet is, if sooner;
    // never at once, or the stager would spin on it.
    long retry = retryAtMs == Long.MAX_VALUE ? nowMs + FailureScope.RETRY_REFUSED_MS : retryAtMs;
    List<ScoredValue<String>> later =
        redis.await(
            redis
                .async()
                .zrangebyscoreWithScores(
                    q.recurringDue(),
                    Range.from(
                        Range.Boundary.excluding((double) nowMs), Range.Boundary.unbounded()),
                    io.lettuce.core.Limit.create(0, 1)));
    return later.isEmpty() ? retry : Math.min(retry, (long) later.getFirst().getScore());
  }

  /**
   * Gives a due entry to every definition of the queue that has none, so that its ticks fire again
   * without the application defining it again: its due set held another type (garbage written
   * behind Spool's back: set aside for a week as {@code {q}:corrupt:recurring:due}; every pass
   * failed on it before) or was deleted by hand. recur-set and recur-cancel write a definition and
   * its entry together, so a definition without one is always damage. Checked once per {@link
   * #DUE_CHECK_MS} a queue and node: HLEN against ZCARD, both O(1), in one step with the setting
   * aside (recur-due.lua); the names are read only when they differ (one per recurring job
   * declared, tens).
   */
  private void restoreDueEntries(QueueKeys q, String queue, long nowMs) {
    Long checked = dueCheckedAtMs.get(queue);
    if (checked != null && nowMs - checked < DUE_CHECK_MS && nowMs >= checked) {
      return;
    }
    dueCheckedAtMs.put(queue, nowMs);
    List<Long> counts =
        redis.await(
            redis.<List<Long>>eval(
                Script.RECUR_DUE,
                ScriptOutputType.MULTI,
                new String[] {q.recurring(), q.recurringDue()},
                q.prefix()));
    if (counts.get(0) == 1) {
      log.warn(
          "queue {}: the due times of its recurring jobs held another type (garbage), set aside"
              + " for 7 days as {}; each recurring job gets its next run again",
          queue,
          q.corrupt("recurring:due"));
    }
    if (counts.get(1) <= counts.get(2)) {
      return;
    }
    Map<String, String> definitions =
        redis.awaitOrIfWrongType(redis.async().hgetall(q.recurring()), Map.of());
    for (Map.Entry<String, String> e : definitions.entrySet()) {
      long next;
      try {
        next =
            scheduleOf(RecurringDefinition.parse(e.getValue()))
                .next(Instant.ofEpochMilli(nowMs))
                .toEpochMilli();
      } catch (JsonProcessingException | RuntimeException malformedOrNoNext) {
        next = nowMs; // due now: the pass finds it malformed, and moves it aside as it does
      }
      // NX: an entry a node wrote meanwhile stays; one that was there all along is not touched.
      Boolean added =
          redis.await(
                  redis
                      .async()
                      .zadd(q.recurringDue(), ZAddArgs.Builder.nx(), (double) next, e.getKey()))
              == 1;
      if (added) {
        log.warn(
            "recurring job '{}' of queue {} had no next run (its due entry was lost): next run"
                + " {}",
            e.getKey(),
            queue,
            Instant.ofEpochMilli(next));
      }
    }
  }

  /** Due entries from the {@code offset}th on, a page; null if the due set holds another type. */
  private List<ScoredValue<String>> duePage(QueueKeys q, long nowMs, int offset) {
    return redis.awaitOrIfWrongType(
        redis
            .async()
            .zrangebyscoreWithScores(
                q.recurringDue(),
                Range.create(Double.NEGATIVE_INFINITY, (double) nowMs),
                io.lettuce.core.Limit.create(offset, PAGE)),
        null);
  }

  /** Whether a tick's entry is in the due range: its next run at or before {@code nowMs}. */
  private boolean stillDue(QueueKeys q, String name, long nowMs) {
    Double score = redis.awaitOrIfWrongType(redis.async().zscore(q.recurringDue(), name), null);
    return score != null && score <= nowMs;
  }

  /**
   * Fires one due tick; false if its entry did not move (another node fired or moved it first). A
   * tick whose definition is missing or malformed does not fire, and its entry is moved aside
   * ({@link #skip}), so that it holds up neither the other ticks nor the stager.
   */
  private boolean fire(QueueKeys q, String queue, String name, String seenDue, long nowMicros) {
    String tickKey = queue + '\n' + name;
    String json = redis.await(redis.async().hget(q.recurring(), name));
    if (json == null) {
      // A due entry with no definition (cancelled by hand, or half-written): nothing to fire.
      malformed.remove(tickKey);
      boolean removed = skip(q, name, seenDue, null, 0);
      if (removed) {
        log.info(
            "recurring job '{}' of queue {} has no definition: its next run is removed",
            name,
            queue);
      }
      return removed;
    }
    String mapped = redis.awaitOrIfWrongType(redis.async().hget(keys.recurringNames(), name), null);
    if (mapped != null && !mapped.equals(queue)) {
      // Defined on another queue since: this is a leftover, which must not fire beside it.
      malformed.remove(tickKey);
      boolean removed =
          redis.await(
                  redis.<Long>eval(
                      Script.RECUR_SKIP,
                      ScriptOutputType.INTEGER,
                      new String[] {q.recurring(), q.recurringDue(), q.recurringLast()},
                      name,
                      seenDue,
                      "moved",
                      json,
                      "0"))
              != 0;
      if (removed) {
        log.info(
            "recurring job '{}' is defined on queue {}: its old definition on queue {} is removed",
            name,
            mapped,
            queue);
      }
      return removed;
    }
    long nowMs = nowMicros / 1000;
    RecurringDefinition d;
    long next;
    try {
      d = RecurringDefinition.parse(json);
      next = scheduleOf(d).next(Instant.ofEpochMilli(nowMs)).toEpochMilli();
    } catch (JsonProcessingException | RuntimeException e) {
      long retryAt = nowMs + MALFORMED_RETRY_MS;
      // Logged once per definition and node: the entry comes back every minute until mended.
      if (!json.equals(malformed.put(tickKey, json))) {
        log.warn(
            "recurring job '{}' of queue {} has a malformed definition and does not fire (tried"
                + " again every {} s, its other ticks and jobs go on): define it again with"
                + " Spool.recurring, or cancel it (spool recurring cancel {}): {}",
            name,
            queue,
            MALFORMED_RETRY_MS / 1000,
            name,
            malformedBecause(e));
      } else {
        log.debug("recurring job '{}' of queue {} is still malformed", name, queue);
      }
      return skip(q, name, seenDue, json, retryAt);
    }
    malformed.remove(tickKey);
    String expiry =
        d.lock().isEmpty() || !d.lockAtEnqueue() ? "" : Long.toString(nowMs + d.lockTtlMs());
    Long r =
        redis.await(
            redis.eval(
                Script.RECUR_FIRE,
                ScriptOutputType.INTEGER,
                new String[] {q.recurringDue(), q.recurringLast()},
                q.jobPrefix(),
                name,
                seenDue,
                Long.toString(next),
                Long.toString(nowMicros),
                Long.toString(nowMs),
                d.type(),
                d.args(),
                d.options(),
                d.lock(),
                expiry,
                d.node() == null ? "" : d.node(),
                d.strictNode() ? "1" : "",
                d.notNode() == null ? "" : d.notNode(),
                Integer.toString(d.priority()),
                d.concurrencyLimit() == null ? "" : d.concurrencyLimit(),
                d.rateLimit() == null ? "" : d.rateLimit()));
    if (r > 0) {
      log.debug("recurring job '{}' enqueued job {}", name, r);
    } else if (r < 0) {
      log.info("recurring job '{}': tick skipped, its unique lock is held", name);
    }
    return r != 0;
  }

  /**
   * A next run as the scripts compare it with the one stored: exact, so that one written by hand
   * with a fraction (1.5) still matches, rather than being cut to another number that never does.
   */
  private static String scoreText(double score) {
    return score == Math.rint(score) && Math.abs(score) < 1e15
        ? Long.toString((long) score)
        : Double.toString(score);
  }

  /** Why a definition does not parse, in one line, without Spool's internal class names. */
  private static String malformedBecause(Exception e) {
    return String.valueOf(e.getMessage())
        .lines()
        .findFirst()
        .orElse("")
        .replace("`" + RecurringDefinition.class.getName() + "`", "a recurring job's definition")
        .replace(RecurringDefinition.class.getName(), "a recurring job's definition");
  }

  /**
   * The schedule of a definition that has every field a tick needs.
   *
   * @throws IllegalArgumentException saying what is missing, or why the schedule does not parse
   */
  private static Schedule scheduleOf(RecurringDefinition d) {
    String problem = problem(d);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return Schedule.parse(d.schedule());
  }

  /** What makes a parsed definition unusable, or null: fields a tick cannot do without. */
  private static String problem(RecurringDefinition d) {
    if (d.schedule() == null) {
      return "no schedule";
    }
    if (d.type() == null || d.type().isEmpty()) {
      return "no job type";
    }
    if (d.args() == null) {
      return "no arguments";
    }
    if (d.options() == null || d.lock() == null) {
      return "no options or lock field";
    }
    // recur-fire names the lock key after the spec's trailing digest.
    if (!d.lock().isEmpty() && !d.lock().matches("(?s).*[0-9a-fA-F]")) {
      return "unique lock does not parse: " + d.lock();
    }
    if (d.priority() < JobOptions.MIN_PRIORITY || d.priority() > JobOptions.MAX_PRIORITY) {
      return "priority out of range: " + d.priority();
    }
    // The lock's expiry is now + TTL: one that is not positive, or that overflows, would fail
    // recur-fire's SET after it had enqueued the tick's job (every tick a job with no lock).
    if (!d.lock().isEmpty() && (d.lockTtlMs() <= 0 || d.lockTtlMs() > MAX_LOCK_TTL_MS)) {
      return "unique lock TTL out of range: " + d.lockTtlMs() + " ms";
    }
    return null;
  }

  /**
   * Moves a due entry that cannot fire out of the way: removed when its definition is missing
   * ({@code json} null), else due again at {@code retryAtMs}. False if it changed meanwhile.
   */
  private boolean skip(QueueKeys q, String name, String seenDue, String json, long retryAtMs) {
    Long r =
        redis.await(
            redis.eval(
                Script.RECUR_SKIP,
                ScriptOutputType.INTEGER,
                new String[] {q.recurring(), q.recurringDue()},
                name,
                seenDue,
                json == null ? "missing" : "malformed",
                json == null ? "" : json,
                Long.toString(retryAtMs)));
    return r != 0;
  }
}
