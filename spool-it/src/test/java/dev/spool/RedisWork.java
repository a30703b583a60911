package dev.spool;

import io.lettuce.core.api.sync.RedisCommands;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The work each script call makes Redis do, as the number of commands Redis ran for it (INFO
 * commandstats counts the commands a script calls). Unlike its duration, it does not depend on how
 * busy the machine is. Other clients' commands in the same window count too (the busy worker's
 * heartbeats), so it errs on the high side.
 */
final class RedisWork {
  final Map<String, Long> most = new TreeMap<>();
  final Map<String, Integer> calls = new TreeMap<>();
  private final RedisCommands<String, String> r;

  RedisWork(RedisCommands<String, String> r) {
    this.r = r;
  }

  /** Time Redis spent in the calls of each script (µs, its own measure), for the log. */
  final Map<String, Long> micros = new TreeMap<>();

  <T> T measure(String script, Supplier<T> call) {
    long[] before = counters();
    T result = call.get();
    long[] after = counters();
    most.merge(script, after[0] - before[0], Math::max);
    micros.merge(script, after[1] - before[1], Long::sum);
    calls.merge(script, 1, Integer::sum);
    return result;
  }

  /** Mean time per call of each script (µs), as Redis measured it. */
  Map<String, Long> meanMicros() {
    Map<String, Long> mean = new TreeMap<>();
    micros.forEach((script, total) -> mean.put(script, total / calls.get(script)));
    return mean;
  }

  /**
   * Commands run so far, but for INFO (the measuring) and EVALSHA (the call itself); and the µs
   * spent in EVALSHA.
   */
  private long[] counters() {
    long commands = 0;
    long evalMicros = 0;
    for (String line : r.info("commandstats").lines().toList()) {
      if (line.startsWith("cmdstat_evalsha:")) {
        evalMicros = field(line, "usec=");
      } else if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:")) {
        commands += field(line, "calls=");
      }
    }
    return new long[] {commands, evalMicros};
  }

  private static long field(String line, String name) {
    int from = line.indexOf(name) + name.length();
    return Long.parseLong(line.substring(from, line.indexOf(',', from)));
  }
}
