package dev.spool.bench.scripts;

import dev.spool.bench.compare.Stats;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Redis's own time of each script call, read from the SLOWLOG a few calls at a time: Redis logs
 * every command slower than a threshold with its duration, so nothing runs between two calls that
 * would not run anyway (an {@code INFO} after each call would, and cool the caches the next call
 * finds).
 *
 * <p>The calls made since the last read are matched with the log's EVALSHA entries of the same
 * script in order. Only calls of a full batch are counted, and only they must be in the log: the
 * short ones (the last of a version's calls) may run under the threshold.
 */
final class ScriptCallTimes implements AutoCloseable {
  /** Slower than any call of a full batch, faster than nearly every command a script calls. */
  private static final long THRESHOLD_MICROS = 20;

  private static final int LOG_ENTRIES = 10_000;
  // Odd, so that the call just after each read (and reset) is not always the same one.
  private static final int READ_EVERY = 25;

  private record Call(String sha, String cell, int jobs, boolean counted) {}

  private final RedisCommands<String, String> sync;
  private final String previousThreshold;
  private final String previousLength;
  private final List<Call> pending = new ArrayList<>();
  private final Map<String, List<Double>> microsPerJob = new LinkedHashMap<>();

  ScriptCallTimes(RedisCommands<String, String> sync) {
    this.sync = sync;
    this.previousThreshold =
        sync.configGet("slowlog-log-slower-than").get("slowlog-log-slower-than");
    this.previousLength = sync.configGet("slowlog-max-len").get("slowlog-max-len");
    sync.configSet("slowlog-max-len", Integer.toString(LOG_ENTRIES));
    try {
      sync.configSet("slowlog-log-slower-than", Long.toString(THRESHOLD_MICROS));
    } catch (RuntimeException e) {
      sync.configSet("slowlog-max-len", previousLength);
      throw e;
    }
    sync.slowlogReset();
  }

  /**
   * Notes a call just made: of script {@code sha}, figures under {@code cell}, {@code jobs} jobs;
   * {@code counted} for a full batch.
   */
  void called(String sha, String cell, int jobs, boolean counted) {
    pending.add(new Call(sha, cell, jobs, counted));
    if (pending.size() >= READ_EVERY) {
      read();
    }
  }

  /** The per-job µs of the counted calls of a cell, once {@link #read} has taken them in. */
  Stats of(String cell) {
    return Stats.of(microsPerJob.getOrDefault(cell, List.of()));
  }

  /** Takes the log's entries in and empties it. */
  void read() {
    Map<String, List<Long>> logged = new HashMap<>();
    List<Object> entries = sync.slowlogGet(LOG_ENTRIES);
    // newest first in the log: walked backwards, each script's calls come in the order made
    for (int i = entries.size() - 1; i >= 0; i--) {
      List<?> fields = (List<?>) entries.get(i);
      List<?> command = (List<?>) fields.get(3);
      if (command.size() > 1 && String.valueOf(command.get(0)).equalsIgnoreCase("evalsha")) {
        logged
            .computeIfAbsent(String.valueOf(command.get(1)), k -> new ArrayList<>())
            .add((Long) fields.get(2));
      }
    }
    sync.slowlogReset();
    Map<String, Integer> next = new HashMap<>();
    for (Call call : pending) {
      int index = next.merge(call.sha(), 1, Integer::sum) - 1;
      List<Long> times = logged.getOrDefault(call.sha(), List.of());
      if (index < times.size()) {
        if (call.counted()) {
          microsPerJob
              .computeIfAbsent(call.cell(), k -> new ArrayList<>())
              .add((double) times.get(index) / call.jobs());
        }
      } else if (call.counted()) {
        throw new IllegalStateException(
            "a call of a full batch is missing from the SLOWLOG (threshold "
                + THRESHOLD_MICROS
                + " µs): is another client changing its settings?");
      }
    }
    pending.clear();
  }

  @Override
  public void close() {
    sync.configSet("slowlog-log-slower-than", previousThreshold);
    sync.configSet("slowlog-max-len", previousLength);
  }
}
