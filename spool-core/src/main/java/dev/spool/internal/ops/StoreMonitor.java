package dev.spool.internal.ops;

import dev.spool.Monitor;
import dev.spool.QueueCounts;
import dev.spool.internal.queue.JobStore;
import java.util.List;
import java.util.Locale;

/** {@link Monitor} over the job store. */
public final class StoreMonitor implements Monitor {
  private final JobStore store;

  public StoreMonitor(JobStore store) {
    this.store = store;
  }

  @Override
  public List<String> queues() {
    return store.queues();
  }

  @Override
  public QueueCounts counts(String queue) {
    return store.counts(queue);
  }

  @Override
  public String statusString(String queue) {
    QueueCounts c = counts(queue);
    return "R=%s D=%s P=%s/%s"
        .formatted(
            count(c.ready()), count(c.delayed()), count(c.processing()), count(c.completed()));
  }

  /** 999 → "999", 3420 → "3.42K", 1234567 → "1.23M". */
  static String count(long n) {
    if (n < 1000) {
      return Long.toString(n);
    }
    String[] units = {"K", "M", "G", "T", "P"};
    double v = n;
    int unit = -1;
    while (v >= 1000 && unit < units.length - 1) {
      v /= 1000;
      unit++;
    }
    return String.format(Locale.ROOT, "%.2f%s", v, units[unit]);
  }
}
