package dev.spool;

import dev.spool.internal.Micros;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A query over statuses. Immutable: every method returns a new query. Clauses chain as AND; the
 * values of one clause are alternatives (OR).
 *
 * <p>Order: newest first — by job number within a queue (numbers grow with enqueue time), and
 * across queues by recorded time, then queue name, then number. The order is stable, so {@link
 * #offset}/{@link #limit} pages do not overlap while no status is added or removed.
 *
 * <p>Counting and matching happen in Redis, one script per queue; a query without {@link #queue}
 * runs on every queue and merges the results.
 */
public final class StatusQuery {
  /** One clause: a kind ('s', 'n', 'a', 'i', 't') and its values, as the query script reads. */
  record Clause(String kind, List<String> values) {}

  private final StoreStatuses statuses;
  private final String queue;
  private final List<Clause> clauses;
  private final List<JobId> ids;
  private final boolean matchesNothing;
  private final long offset;
  private final long limit;
  private final int clipChars; // 0: whole fields

  StatusQuery(StoreStatuses statuses) {
    this(statuses, null, List.of(), null, false, 0, Long.MAX_VALUE, 0);
  }

  private StatusQuery(
      StoreStatuses statuses,
      String queue,
      List<Clause> clauses,
      List<JobId> ids,
      boolean matchesNothing,
      long offset,
      long limit,
      int clipChars) {
    this.statuses = statuses;
    this.queue = queue;
    this.clauses = clauses;
    this.ids = ids;
    this.matchesNothing = matchesNothing;
    this.offset = offset;
    this.limit = limit;
    this.clipChars = clipChars;
  }

  private StatusQuery with(Clause clause) {
    List<Clause> more = new ArrayList<>(clauses);
    more.add(clause);
    return new StatusQuery(
        statuses, queue, List.copyOf(more), ids, matchesNothing, offset, limit, clipChars);
  }

  /** Statuses in any of these states; groups stand for their members. */
  public StatusQuery where(State... states) {
    if (states.length == 0) {
      throw new IllegalArgumentException("where() needs at least one state");
    }
    Set<String> stored = new LinkedHashSet<>();
    for (State s : states) {
      Objects.requireNonNull(s, "state");
      if (s == State.UNKNOWN) {
        throw new IllegalArgumentException("no status is stored as unknown; query other states");
      }
      s.members().forEach(m -> stored.add(m.stored()));
    }
    return with(new Clause("s", List.copyOf(stored)));
  }

  /** Statuses in any of these states, given by name ("failed", "completed", …). */
  public StatusQuery where(String... states) {
    return where(Arrays.stream(states).map(State::parse).toArray(State[]::new));
  }

  /** Statuses whose job name is one of these (a Spool job's name is its type's). */
  public StatusQuery jobName(String... names) {
    return with(new Clause("n", nonEmpty(names, "jobName")));
  }

  /** Statuses with a job argument whose value is one of these. */
  public StatusQuery jobArg(String... values) {
    return with(new Clause("a", nonEmpty(values, "jobArg")));
  }

  /** The statuses of the parts of these batches ({@link Batch#id()} or its token). */
  public StatusQuery batch(String... batchIds) {
    String[] tokens = new String[batchIds.length];
    for (int i = 0; i < batchIds.length; i++) {
      String id = Objects.requireNonNull(batchIds[i], "batch id");
      tokens[i] = id.substring(id.indexOf(':') + 1);
    }
    return with(new Clause("b", nonEmpty(tokens, "batch")));
  }

  /** These statuses only; an empty collection matches nothing. */
  public StatusQuery ids(Collection<JobId> ids) {
    List<JobId> wanted = new ArrayList<>(ids);
    if (this.ids != null) {
      wanted.retainAll(this.ids);
    }
    return new StatusQuery(
        statuses,
        queue,
        clauses,
        List.copyOf(wanted),
        matchesNothing || wanted.isEmpty(),
        offset,
        limit,
        clipChars);
  }

  /**
   * Statuses whose timestamp lies in [from, to]; null leaves an end open.
   *
   * @throws IllegalArgumentException for {@link Timestamp#KILL_REQUESTED_AT}, which is not indexed,
   *     or a bound beyond µs since the epoch in a long (about 292 000 years)
   */
  public StatusQuery between(Timestamp timestamp, Instant from, Instant to) {
    return betweenMicros(timestamp, micros(from, "from"), micros(to, "to"));
  }

  /** µs since the epoch of a bound; null for none. */
  private static Long micros(Instant bound, String name) {
    if (bound == null) {
      return null;
    }
    try {
      return Micros.of(bound);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          name + " is too far from 1970 to be a status time (µs since the epoch): " + bound, e);
    }
  }

  /** As {@link #between}, with µs since the epoch. */
  public StatusQuery betweenMicros(Timestamp timestamp, Long fromMicros, Long toMicros) {
    Objects.requireNonNull(timestamp, "timestamp");
    if (timestamp == Timestamp.KILL_REQUESTED_AT) {
      throw new IllegalArgumentException("kill_requested_at cannot be queried; query the others");
    }
    if (fromMicros != null && toMicros != null && fromMicros > toMicros) {
      throw new IllegalArgumentException("from is after to: " + fromMicros + " > " + toMicros);
    }
    return with(
        new Clause(
            "t",
            List.of(
                timestamp.field(),
                fromMicros == null ? "" : fromMicros.toString(),
                toMicros == null ? "" : toMicros.toString())));
  }

  public StatusQuery after(Timestamp timestamp, Instant from) {
    return between(timestamp, Objects.requireNonNull(from, "from"), null);
  }

  public StatusQuery before(Timestamp timestamp, Instant to) {
    return between(timestamp, null, Objects.requireNonNull(to, "to"));
  }

  /** Only this queue's statuses (one Redis script instead of one per queue). */
  public StatusQuery queue(String queue) {
    return new StatusQuery(
        statuses, Queues.validate(queue), clauses, ids, matchesNothing, offset, limit, clipChars);
  }

  public StatusQuery limit(long limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must not be negative, got " + limit);
    }
    return new StatusQuery(statuses, queue, clauses, ids, matchesNothing, offset, limit, clipChars);
  }

  public StatusQuery offset(long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative, got " + offset);
    }
    return new StatusQuery(statuses, queue, clauses, ids, matchesNothing, offset, limit, clipChars);
  }

  /**
   * Statuses as a list view shows them: each field's value cut short in Redis after at least {@code
   * maxChars} characters, and never before 64 (so states, names and times stay whole), and the
   * errors reduced to the last one (its type and message, cut so too). A page of jobs with large
   * arguments then costs the page, not their size. Such statuses are for showing: their arguments
   * and other JSON fields may be cut mid-value (and then read as absent), so {@link Statuses#find}
   * a job for the whole of it. Deleting and kill requests read whole statuses whatever the query.
   *
   * @param maxChars at least 1; 0 for whole fields again
   */
  public StatusQuery clipped(int maxChars) {
    if (maxChars < 0) {
      throw new IllegalArgumentException("maxChars must not be negative, got " + maxChars);
    }
    return new StatusQuery(statuses, queue, clauses, ids, matchesNothing, offset, limit, maxChars);
  }

  /** How many statuses match (ignoring offset and limit), counted in Redis. */
  public long count() {
    return matchesNothing ? 0 : statuses.count(this);
  }

  /**
   * Counts for at most about {@code within} (but always one bounded step), going on from {@code
   * cursor}: a count a dashboard can show while it is being computed ("≥ 1234"), without ever
   * keeping Redis busy for long. Call again with the returned {@link StatusCount#cursor()} until it
   * is {@link StatusCount#complete()}. Statuses added or removed meanwhile may or may not be
   * counted; each is counted at most once.
   *
   * @param cursor null to start; else the cursor of the previous call for this same query
   * @throws IllegalArgumentException if the cursor is malformed or belongs to another query
   */
  public StatusCount countFor(Duration within, String cursor) {
    Objects.requireNonNull(within, "within");
    if (matchesNothing) {
      return new StatusCount(0, null);
    }
    return statuses.countFor(this, within, cursor);
  }

  /**
   * A page of {@link #limit} statuses (50 if no limit was set, at most {@value #MAX_PAGE}) after
   * {@code cursor}, in the order described above; {@link #offset} is ignored. Pages are found by
   * position, not by skipping: a deep page costs what the first one does, and a status added or
   * removed meanwhile does not shift later pages.
   *
   * @param cursor null for the first page; else the {@link StatusPage#next()} of the one before
   * @throws IllegalArgumentException if the cursor is malformed or belongs to another query, or the
   *     limit is over {@value #MAX_PAGE}
   */
  public StatusPage page(String cursor) {
    long size = limit == Long.MAX_VALUE ? DEFAULT_PAGE : limit;
    if (size > MAX_PAGE) {
      throw new IllegalArgumentException(
          "page() takes at most " + MAX_PAGE + " statuses a page, got limit " + limit);
    }
    if (matchesNothing || size == 0) {
      return new StatusPage(List.of(), null);
    }
    return statuses.page(this, (int) size, cursor);
  }

  /** The page size of {@link #page} when no limit is set. */
  public static final int DEFAULT_PAGE = 50;

  /** The largest page {@link #page} returns. */
  public static final int MAX_PAGE = 10_000;

  /**
   * The matching statuses from {@link #offset}, at most {@link #limit} of them, in the order
   * described above. Without a limit, every match, held in memory at once: over a long history (a
   * state such as SUCCEEDED), set a limit or walk it with {@link #page}.
   */
  public List<JobStatus> list() {
    return matchesNothing || limit == 0 ? List.of() : statuses.list(this);
  }

  /**
   * Deletes every matching status (ignoring offset and limit).
   *
   * @throws StatusIncompleteException before deleting anything, if one is not completed
   * @return how many were deleted
   */
  public long deleteAll() {
    return statuses.deleteAll(this, false);
  }

  /** Deletes every matching status whatever its state; returns how many. */
  public long forceDeleteAll() {
    return statuses.deleteAll(this, true);
  }

  /** Requests a kill of every matching status; returns how many requests were made. */
  public long requestKillAll() {
    return statuses.requestKillAll(this);
  }

  String queue() {
    return queue;
  }

  long offsetValue() {
    return offset;
  }

  long limitValue() {
    return limit;
  }

  int clipChars() {
    return clipChars;
  }

  /** The clauses as the query script reads them, for one queue. */
  List<String> encode(String forQueue) {
    List<String> out = new ArrayList<>();
    List<Clause> all = new ArrayList<>(clauses);
    if (ids != null) {
      List<String> numbers =
          ids.stream()
              .filter(i -> i.queue().equals(forQueue))
              .map(i -> Long.toString(i.number()))
              .toList();
      all.add(new Clause("i", numbers));
    }
    out.add(Integer.toString(all.size()));
    for (Clause c : all) {
      out.add(c.kind());
      out.add(Integer.toString(c.values().size()));
      out.addAll(c.values());
    }
    return out;
  }

  /** Tells this query's clauses from another's, for cursors. */
  String fingerprint() {
    List<String> all = new ArrayList<>(encode(""));
    if (ids != null) {
      ids.forEach(id -> all.add(id.toString()));
    }
    return QueryCursor.fingerprint(all);
  }

  /** False when an ids clause leaves nothing in this queue. */
  boolean mayMatchIn(String forQueue) {
    return ids == null || ids.stream().anyMatch(i -> i.queue().equals(forQueue));
  }

  private static List<String> nonEmpty(String[] values, String what) {
    if (values.length == 0) {
      throw new IllegalArgumentException(what + "() needs at least one value");
    }
    for (String v : values) {
      if (v == null || v.isEmpty()) {
        throw new IllegalArgumentException(what + "() values must not be empty");
      }
    }
    return List.of(values);
  }
}
