package dev.spool;

/** Rules for queue names, which become part of Redis keys and hash tags. */
public final class Queues {
  /** The queue a job type uses unless it names another. */
  public static final String DEFAULT = "default";

  private Queues() {}

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
