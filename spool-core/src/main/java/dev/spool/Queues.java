package dev.spool;

import java.util.regex.Pattern;

/** Rules for queue names, which become part of Redis keys and hash tags. */
public final class Queues {
  /** The queue a job type uses unless it names another. */
  public static final String DEFAULT = "default";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  private Queues() {}

  /**
   * Checks a queue name: 1 to 100 letters, digits, '.', '_' or '-'.
   *
   * @return the name
   * @throws IllegalArgumentException naming the rule the name breaks
   */
  public static String validate(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "invalid queue name '" + name + "': use 1 to 100 letters, digits, '.', '_' or '-'");
    }
    return name;
  }
}
