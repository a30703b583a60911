package dev.spool.internal.ops;

import dev.spool.DeadJob;
import dev.spool.DeadJobs;
import dev.spool.DeadPage;
import dev.spool.JobId;
import dev.spool.Queues;
import dev.spool.internal.Micros;
import dev.spool.internal.queue.DeadEntry;
import dev.spool.internal.queue.DeadRetry;
import dev.spool.internal.queue.RedisJobStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link DeadJobs} over the job store. */
public final class StoreDeadJobs implements DeadJobs {
  /**
   * Newest first, a tie by queue. The sort is stable: a queue's entries of one time of death keep
   * their dead set's order, so a page takes a prefix of each queue's entries and the cursor's
   * positions count exactly what was shown.
   */
  private static final Comparator<DeadEntry> NEWEST_FIRST =
      Comparator.comparing(DeadEntry::diedAt).reversed().thenComparing(DeadEntry::queue);

  private final RedisJobStore store;
  private final Clock clock;

  public StoreDeadJobs(RedisJobStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @Override
  public List<DeadJob> list(String queue, int offset, int limit) {
    if (offset < 0 || limit < 0) {
      throw new IllegalArgumentException("offset and limit must not be negative");
    }
    return limit == 0 ? List.of() : store.dead(Queues.validate(queue), offset, limit);
  }

  @Override
  public DeadPage page(List<String> queues, String cursor, int limit) {
    return pageOf(queues, cursor, limit, 0);
  }

  @Override
  public DeadPage page(List<String> queues, String cursor, int limit, int argsMaxChars) {
    if (argsMaxChars < 1) {
      throw new IllegalArgumentException("argsMaxChars must be 1 or more, got " + argsMaxChars);
    }
    return pageOf(queues, cursor, limit, argsMaxChars);
  }

  /** A page; {@code argsMaxChars} 0 for whole arguments. */
  private DeadPage pageOf(List<String> queues, String cursor, int limit, int argsMaxChars) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be 1 or more, got " + limit);
    }
    Map<String, Long> taken = DeadCursor.parse(cursor);
    List<String> names = queues.stream().map(Queues::validate).distinct().toList();
    List<Long> from = names.stream().map(q -> taken.getOrDefault(q, 0L)).toList();
    // A k-way merge: the page is among each queue's next `limit` entries, whatever came before.
    List<List<DeadEntry>> next = store.deadEntries(names, from, limit);
    List<DeadEntry> merged = new ArrayList<>();
    next.forEach(merged::addAll);
    merged.sort(NEWEST_FIRST);
    List<DeadEntry> page = merged.subList(0, Math.min(limit, merged.size()));
    Map<String, Long> after = new LinkedHashMap<>();
    boolean more = false;
    for (int i = 0; i < names.size(); i++) {
      String q = names.get(i);
      long used = page.stream().filter(e -> e.queue().equals(q)).count();
      after.put(q, from.get(i) + used);
      // Entries read and not shown, or a full read that may have more behind it.
      more |= used < next.get(i).size() || next.get(i).size() == limit;
    }
    return new DeadPage(store.deadJobs(page, argsMaxChars), more ? DeadCursor.write(after) : null);
  }

  @Override
  public long size(String queue) {
    return store.counts(Queues.validate(queue)).dead();
  }

  @Override
  public boolean retry(JobId id) {
    DeadRetry r =
        store.retryDead(id.queue(), List.of(Long.toString(id.number())), Micros.now(clock), true);
    if (!r.held().isEmpty()) {
      throw r.held().getFirst();
    }
    return r.requeued() == 1;
  }

  @Override
  public long retryAll(String queue) {
    Queues.validate(queue);
    // The jobs dead when the call began, each once: a retried job that dies again meanwhile joins
    // the set's newest end, after those still to go, and is not taken again (before, fast-dying
    // jobs were retried over and over, and counted each time).
    long left = store.counts(queue).dead();
    long total = 0;
    int kept = 0;
    while (left > 0) {
      // Every member given leaves the set, even one that names no job, but those whose unique
      // lock another job holds: they stay, oldest first as they were, and the next slice starts
      // after them.
      List<String> slice =
          store.deadMembers(queue, kept, Math.min(RedisJobStore.RETRY_DEAD_SLICE, left));
      if (slice.isEmpty()) {
        break;
      }
      left -= slice.size();
      DeadRetry r = store.retryDead(queue, slice, Micros.now(clock), false);
      total += r.requeued();
      kept += r.held().size();
    }
    return total;
  }

  @Override
  public long purge(String queue) {
    return store.purgeDead(Queues.validate(queue));
  }
}
