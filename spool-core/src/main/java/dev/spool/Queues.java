package dev.spool;

/** Rules for queue names, which become part of Redis keys and hash tags. */
public final class Queues {
  /** The queue a job type uses unless it names another. */
  public static final String DEFAULT = "default";

  private Queues() {}

  /**
   * A queue as a list of queues to fetch writes it: {@code name} or {@code name=weight} (the
   * command line's {@code --queues critical=6,default=3,low}, the Spring Boot starter's {@code
   * spool.worker.queues}); see {@link Worker.Builder#queueList}.
   *
   * @param weight 1 to 1000, or 0 if the entry gives none
   */
  public record Entry(String name, int weight) {
    public Entry {
      validate(name);
      if (weight < 0 || weight > 1_000) {
        throw new IllegalArgumentException(
            "weight of '" + name + "' must be 1 to 1000 (0: none given), got " + weight);
      }
    }

    /**
     * Reads an entry.
     *
     * @throws IllegalArgumentException for an invalid queue name, or a weight not 1 to 1000
     */
    public static Entry parse(String entry) {
      if (entry == null) {
        throw new IllegalArgumentException("no queue given");
      }
      int eq = entry.indexOf('=');
      if (eq < 0) {
        return new Entry(validate(entry), 0);
      }
      String name = validate(entry.substring(0, eq));
      String w = entry.substring(eq + 1);
      try {
        int weight = Integer.parseInt(w);
        if (weight >= 1 && weight <= 1_000) {
          return new Entry(name, weight);
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(
          "weight of '" + name + "' must be 1 to 1000, got '" + w + "'");
    }

    /** Whether the entry gives a weight. */
    public boolean weighted() {
      return weight > 0;
    }
  }

  /**
   * Checks a queue name: 1 to 100 letters, digits, '.', '_' or '-'.
   *
   * @return the name
   * @throws IllegalArgumentException naming the rule the name breaks
   */
  public static String validate(String name) {
    if (!isValid(name)) {
      throw new IllegalArgumentException(
          "invalid queue name '" + name + "': use 1 to 100 letters, digits, '.', '_' or '-'");
    }
    return name;
  }

  /**
   * Whether {@link #validate} accepts the name. Every job id checks its queue: a loop, not a regex,
   * keeps that cheap for bulk enqueues.
   */
  public static boolean isValid(String name) {
    if (name == null || name.isEmpty() || name.length() > 100) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
