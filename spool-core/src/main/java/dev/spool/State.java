package dev.spool;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The state of a job's status, and the two groups {@link #COMPLETED} and {@link #INCOMPLETE} that
 * queries accept in their place.
 */
public enum State {
  UNQUEUED,
  SCHEDULED,
  QUEUED,
  STARTED,
  SUCCEEDED,
  FAILED,
  KILLED,
  /** What {@code findOrUnknown} gives for an id that has no status. Never stored. */
  UNKNOWN,
  /** Group: succeeded or failed. */
  COMPLETED,
  /** Group: unqueued, scheduled, queued, started or killed (not unknown). */
  INCOMPLETE;

  /** The stored states this stands for: itself, or a group's members. */
  public Set<State> members() {
    return switch (this) {
      case COMPLETED -> EnumSet.of(SUCCEEDED, FAILED);
      case INCOMPLETE -> EnumSet.of(UNQUEUED, SCHEDULED, QUEUED, STARTED, KILLED);
      default -> EnumSet.of(this);
    };
  }

  public boolean isGroup() {
    return this == COMPLETED || this == INCOMPLETE;
  }

  /** The name stored in Redis ("queued", …). */
  public String stored() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Reads a state or group name, in any case.
   *
   * @throws IllegalArgumentException listing the valid names
   */
  public static State parse(String name) {
    for (State s : values()) {
      if (s.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown state '"
            + name
            + "': use one of "
            + Arrays.stream(values()).map(State::stored).collect(Collectors.joining(", ")));
  }

  /**
   * Reads a state or group name a status query looks for, in any case: any but {@link #UNKNOWN},
   * which no status is stored as.
   *
   * @throws IllegalArgumentException listing the names a query takes
   */
  public static State parseQueried(String name) {
    for (State s : values()) {
      if (s != UNKNOWN && s.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
        return s;
      }
    }
    String what =
        UNKNOWN.name().equalsIgnoreCase(name == null ? "" : name.trim())
            ? "no status is stored as '" + name + "'"
            : "unknown state '" + name + "'";
    throw new IllegalArgumentException(
        what
            + ": use one of "
            + Arrays.stream(values())
                .filter(s -> s != UNKNOWN)
                .map(State::stored)
                .collect(Collectors.joining(", ")));
  }

  /** The state a status stores; {@link #UNKNOWN} when absent or not a state (a corrupt field). */
  static State fromStored(String stored) {
    if (stored == null) {
      return UNKNOWN;
    }
    try {
      return valueOf(stored.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return UNKNOWN;
    }
  }
}
