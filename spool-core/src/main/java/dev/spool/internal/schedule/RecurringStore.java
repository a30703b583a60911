package dev.spool.internal.schedule;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Recurring jobs in Redis: definitions and next runs per queue, ticks fired exactly once. */
public final class RecurringStore {
  private static final Logger log = LoggerFactory.getLogger(RecurringStore.class);

  /** Ticks whose script refused them ("queue\nname"), and until when (ms) they wait. */
  private final Map<String, Long> refusedUntilMs = new ConcurrentHashMap<>();

  private final RedisConnection redis;
  private final Keys keys;

  public RecurringStore(RedisConnection redis, Keys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /** Creates or replaces; a name moves queues if it was defined on another one. */
  public void set(String name, String queue, RecurringDefinition definition, long nextRunMs) {
    String previous =
        redis.awaitSettingAsideWrongType(
            keys.recurringNames(), () -> redis.async().hget(keys.recurringNames(), name));
    if (previous != null && !previous.equals(queue)) {
      cancel(name);
    }
    QueueKeys q = keys.queue(queue);
    redis.await(
        redis.eval(
            Script.RECUR_SET,
            ScriptOutputType.INTEGER,
            new String[] {q.recurring(), q.recurringDue()},
            name,
            definition.toJson(),
            Long.toString(nextRunMs),
            q.dueChannel()));
    redis.awaitSettingAsideWrongType(
        keys.recurringNames(), () -> redis.async().hset(keys.recurringNames(), name, queue));
  }

  /**
   * Moves the next run of a recurring job to now and wakes the stagers of its queue; true if there
   * is such a recurring job. Only an existing entry is moved (ZADD XX): a cancel in between wins.
   */
  public boolean triggerNow(String name, long nowMs) {
    String queue = redis.awaitOrIfWrongType(redis.async().hget(keys.recurringNames(), name), null);
    if (queue == null) {
      return false;
    }
    QueueKeys q = keys.queue(queue);
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

  /** Returns true if there was such a recurring job. */
  public boolean cancel(String name) {
    String queue = redis.awaitOrIfWrongType(redis.async().hget(keys.recurringNames(), name), null);
    if (queue == null) {
      return false;
    }
    QueueKeys q = keys.queue(queue);
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
      QueueKeys q = keys.queue(e.getValue());
      // A queue's key of another type (garbage) leaves its jobs out, not every queue's.
      String json = redis.awaitOrIfWrongType(redis.async().hget(q.recurring(), e.getKey()), null);
      Double next =
          redis.awaitOrIfWrongType(redis.async().zscore(q.recurringDue(), e.getKey()), null);
      String last =
          redis.awaitOrIfWrongType(redis.async().hget(q.recurringLast(), e.getKey()), null);
      if (json == null || next == null) {
        continue;
      }
      try {
        RecurringDefinition d = RecurringDefinition.parse(json);
        out.add(
            new RecurringJob(
                e.getKey(),
                e.getValue(),
                Schedule.parse(d.schedule()).toString(),
                d.type(),
                d.args(),
                Optional.ofNullable(last).map(l -> Instant.ofEpochMilli(Long.parseLong(l))),
                Instant.ofEpochMilli(next.longValue())));
      } catch (JsonProcessingException | IllegalArgumentException ex) {
        log.warn("recurring job '{}' has a malformed definition: {}", e.getKey(), ex.getMessage());
      }
    }
    out.sort((a, b) -> a.name().compareTo(b.name()));
    return out;
  }

  /**
   * Fires every due tick of a queue's recurring jobs; returns when the next one is due (ms), or -1
   * if the queue has none.
   */
  public long fireDue(String queue, long nowMicros) {
    QueueKeys q = keys.queue(queue);
    long nowMs = nowMicros / 1000;
    List<ScoredValue<String>> due =
        redis.await(
            redis
                .async()
                .zrangebyscoreWithScores(
                    q.recurringDue(),
                    Range.create(Double.NEGATIVE_INFINITY, (double) nowMs),
                    io.lettuce.core.Limit.create(0, 100)));
    long retryAtMs = Long.MAX_VALUE; // the soonest a refused tick is tried again
    for (ScoredValue<String> tick : due) {
      String tickKey = queue + '\n' + tick.getValue();
      Long refusedUntil = refusedUntilMs.get(tickKey);
      if (refusedUntil != null && nowMs < refusedUntil) {
        retryAtMs = Math.min(retryAtMs, refusedUntil);
        continue;
      }
      try {
        fire(q, tick.getValue(), (long) tick.getScore(), nowMicros);
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
        log.warn(
            "recurring job '{}' of queue {} could not fire, retrying in {} s: {}",
            tick.getValue(),
            queue,
            FailureScope.RETRY_REFUSED_MS / 1000,
            e.getMessage());
      }
    }
    List<ScoredValue<String>> first =
        redis.await(redis.async().zrangeWithScores(q.recurringDue(), 0, 0));
    if (first.isEmpty()) {
      return -1;
    }
    long firstDueMs = (long) first.getFirst().getScore();
    if (retryAtMs == Long.MAX_VALUE || firstDueMs > nowMs) {
      return firstDueMs;
    }
    // A refused tick is still due, first: the next pass is when it may be tried again, or when
    // the next tick that is not due yet is, if sooner.
    List<ScoredValue<String>> later =
        redis.await(
            redis
                .async()
                .zrangebyscoreWithScores(
                    q.recurringDue(),
                    Range.from(
                        Range.Boundary.excluding((double) nowMs), Range.Boundary.unbounded()),
                    io.lettuce.core.Limit.create(0, 1)));
    return later.isEmpty() ? retryAtMs : Math.min(retryAtMs, (long) later.getFirst().getScore());
  }

  private void fire(QueueKeys q, String name, long seenDueMs, long nowMicros) {
    String json = redis.await(redis.async().hget(q.recurring(), name));
    if (json == null) {
      return;
    }
    RecurringDefinition d;
    Schedule schedule;
    try {
      d = RecurringDefinition.parse(json);
      schedule = Schedule.parse(d.schedule());
    } catch (JsonProcessingException | IllegalArgumentException e) {
      log.warn("recurring job '{}' has a malformed definition, skipped: {}", name, e.getMessage());
      return;
    }
    long nowMs = nowMicros / 1000;
    long next = schedule.next(Instant.ofEpochMilli(nowMs)).toEpochMilli();
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
                Long.toString(seenDueMs),
                Long.toString(next),
                Long.toString(nowMicros),
                Long.toString(nowMs),
                d.type(),
                d.args(),
                d.options(),
                d.lock(),
                expiry));
    if (r > 0) {
      log.debug("recurring job '{}' enqueued job {}", name, r);
    } else if (r < 0) {
      log.info("recurring job '{}': tick skipped, its unique lock is held", name);
    }
  }
}
