package dev.spool.internal.batch;

import dev.spool.internal.redis.Keys.DistributedJobKeys;
import dev.spool.internal.redis.RedisConnection;
import dev.spool.internal.redis.Script;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.ValueScanCursor;
import java.util.List;
import java.util.Optional;

/** The Redis side of one distributed job: each change one script, reads one command each. */
public final class DistributedJobStore {
  private final RedisConnection redis;
  private final DistributedJobKeys keys;
  private final long ttlSeconds;

  public DistributedJobStore(RedisConnection redis, DistributedJobKeys keys, long ttlSeconds) {
    this.redis = redis;
    this.keys = keys;
    this.ttlSeconds = ttlSeconds;
  }

  /** Adds parts, closing the job with them when {@code close}; returns the new ones. */
  public long push(String[] parts, boolean close) {
    String[] args = new String[2 + parts.length];
    args[0] = Long.toString(ttlSeconds);
    args[1] = close ? "1" : "0";
    System.arraycopy(parts, 0, args, 2, parts.length);
    return redis.<Long>await(
        redis.eval(
            Script.DJ_PUSH,
            ScriptOutputType.INTEGER,
            new String[] {keys.parts(), keys.state()},
            args));
  }

  /** True for the one call that removes the last open part of a closed job. */
  public boolean done(String part) {
    Long r =
        redis.await(
            redis.eval(
                Script.DJ_DONE,
                ScriptOutputType.INTEGER,
                new String[] {keys.parts(), keys.state()},
                part,
                Long.toString(ttlSeconds)));
    return r == 1;
  }

  /**
   * The part whose done() finished the job; empty while unfinished. dj-done writes it only when the
   * job ends, and a closed job takes no more parts, so it alone says the job is finished.
   */
  public Optional<String> finishedBy() {
    return Optional.ofNullable(
        redis.awaitOrIfWrongType(redis.async().hget(keys.state(), "last"), null));
  }

  public long count() {
    return redis.await(redis.async().scard(keys.parts()));
  }

  public long total() {
    String t = redis.await(redis.async().hget(keys.state(), "total"));
    return t == null ? 0 : Long.parseLong(t);
  }

  public boolean isFinished() {
    RedisFuture<String> closed = redis.async().hget(keys.state(), "closed");
    RedisFuture<Long> open = redis.async().scard(keys.parts());
    return "1".equals(redis.await(closed)) && redis.await(open) == 0;
  }

  public void stop() {
    redis.await(
        redis.eval(
            Script.DJ_STOP,
            ScriptOutputType.INTEGER,
            new String[] {keys.parts(), keys.state()},
            Long.toString(ttlSeconds)));
  }

  public boolean isStopped() {
    return "1".equals(redis.await(redis.async().hget(keys.state(), "stopped")));
  }

  /** One SSCAN page of open parts, from a cursor ("0" to start). */
  public record Page(List<String> parts, String cursor, boolean last) {}

  public Page scan(String cursor) {
    ScanArgs args = ScanArgs.Builder.limit(500);
    ValueScanCursor<String> c =
        redis.await(redis.async().sscan(keys.parts(), io.lettuce.core.ScanCursor.of(cursor), args));
    return new Page(c.getValues(), c.getCursor(), c.isFinished());
  }
}
