package dev.spool;

import java.util.List;

/** A read-mostly view of the queues, for operators, the CLI and dashboards. */
public interface Monitor {
  /** Every queue a job was ever enqueued to in this namespace, sorted by name. */
  List<String> queues();

  QueueCounts counts(String queue);

  /**
   * One line in the form {@code R=3.42K D=1.23K P=7/2.34K}: ready, delayed, processing now /
   * completed.
   */
  String statusString(String queue);
}
