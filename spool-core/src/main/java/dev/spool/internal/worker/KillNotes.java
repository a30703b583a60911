package dev.spool.internal.worker;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Kill requests for jobs not (yet) held here, kept for {@link #REMEMBER_NANOS}: a request that
 * overtakes its job's fetch still kills the job. Notes are kept in the order they came, so the
 * expired ones are dropped from the oldest end, each once: a kill of n jobs costs O(n) in all, not
 * a pass over every note per request (O(n²) on the pub/sub connection's event loop).
 */
final class KillNotes {
  static final long REMEMBER_NANOS = TimeUnit.SECONDS.toNanos(10);

  private record Note(String id, long at) {}

  private final LongSupplier nanoTime;

  /** When each id was noted (nanos); read by the dispatching threads. */
  private final Map<String, Long> byId = new ConcurrentHashMap<>();

  /** The same notes, oldest first; a note taken early stays here until it expires. */
  private final ArrayDeque<Note> byAge = new ArrayDeque<>();

  KillNotes(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Notes a request for the job {@code id}, first dropping the notes that expired. */
  synchronized void note(String id) {
    long now = nanoTime.getAsLong();
    Note oldest;
    while ((oldest = byAge.peekFirst()) != null && now - oldest.at() > REMEMBER_NANOS) {
      byAge.pollFirst();
      byId.remove(oldest.id(), oldest.at()); // not a later request for the same id
    }
    byId.put(id, now);
    byAge.addLast(new Note(id, now));
  }

  /** Whether a request for {@code id} was noted (and not yet taken); takes it. */
  boolean take(String id) {
    return !byId.isEmpty() && byId.remove(id) != null;
  }

  /** How many requests are noted and not taken, expired ones included until the next note. */
  int size() {
    return byId.size();
  }
}
