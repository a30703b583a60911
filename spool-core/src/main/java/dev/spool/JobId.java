package dev.spool;

import java.util.Objects;

/**
 * The identity of a job: its queue and a number unique within that queue. Written as {@code
 * queue:number} (for example {@code mail:42}); {@link #parse} reads that form back.
 */
public record JobId(String queue, long number) {
  public JobId {
    Queues.validate(queue);
    if (number <= 0) {
      throw new IllegalArgumentException("job number must be positive, got " + number);
    }
  }

  /** Reads the {@code queue:number} form that {@link #toString()} writes. */
  public static JobId parse(String text) {
    Objects.requireNonNull(text, "text");
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("not a job id: '" + text + "' (expected queue:number)");
    }
    try {
      return new JobId(text.substring(0, colon), Long.parseLong(text.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a job id: '" + text + "' (expected queue:number)");
    }
  }

  @Override
  public String toString() {
    return queue + ":" + number;
  }
}
