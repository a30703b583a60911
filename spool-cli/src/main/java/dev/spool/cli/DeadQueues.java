package dev.spool.cli;

import dev.spool.Spool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The one rule of the {@code spool dead} commands: {@code --queue Q} narrows a command to one queue
 * (one Spool knows: a typo fails as {@code spool queue pause} does); without it, the command acts
 * on every queue Spool knows.
 */
final class DeadQueues {
  private DeadQueues() {}

  /** The queue named, refused if the namespace never had it; else every queue. */
  static List<String> of(Spool spool, String queue) {
    if (queue == null) {
      return spool.monitor().queues();
    }
    ClientCommand.requireKnownQueue(spool, queue);
    return List.of(queue);
  }

  /** Applies an action to each queue in scope; the count it returned, queue by queue. */
  static Map<String, Long> each(Spool spool, String queue, ToLongFunction<String> action) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String q : of(spool, queue)) {
      counts.put(q, action.applyAsLong(q));
    }
    return counts;
  }

  /** "3 dead jobs of queue mail", or "5 dead jobs (default 3, mail 2)" across queues. */
  static String describe(String queue, Map<String, Long> counts) {
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    String jobs = total + " dead job" + (total == 1 ? "" : "s");
    if (queue != null) {
      return jobs + " of queue " + queue;
    }
    StringBuilder by = new StringBuilder();
    counts.forEach(
        (q, n) -> {
          if (n > 0) {
            by.append(by.isEmpty() ? "" : ", ").append(q).append(' ').append(n);
          }
        });
    return by.isEmpty() ? jobs : jobs + " (" + by + ")";
  }

  /** The JSON document: {"queue": Q, …} with --queue, else {"queues": {q: n}, …}. */
  static Map<String, Object> json(String queue, String verb, Map<String, Long> counts) {
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    return queue != null
        ? JsonOut.object("queue", queue, verb, total)
        : JsonOut.object("queues", counts, verb, total);
  }
}
