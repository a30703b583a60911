package dev.spool;

import java.util.function.Function;

/** The names under which limits keep their slots and logs in Redis. */
final class LimitNames {
  private static final int MAX_KEY_LENGTH = 500;

  private LimitNames() {}

  /** {@code t:<type>} for a limit of the whole type, {@code k:<type>:<key>} for a keyed one. */
  static <A> String of(String type, Function<? super A, ?> key, A args, String kind) {
    if (key == null) {
      return "t:" + type;
    }
    Object value = key.apply(args);
    if (value == null) {
      throw new IllegalArgumentException(
          "the " + kind + " limit key of job type '" + type + "' is null for " + args);
    }
    String k = value.toString();
    if (k.isEmpty() || k.length() > MAX_KEY_LENGTH) {
      throw new IllegalArgumentException(
          "the "
              + kind
              + " limit key of job type '"
              + type
              + "' must be 1 to "
              + MAX_KEY_LENGTH
              + " characters, got "
              + k.length());
    }
    return "k:" + type + ":" + k;
  }
}
