package dev.spool;

import dev.spool.internal.Micros;
import dev.spool.internal.queue.JobStore;
import dev.spool.internal.status.JobLogLines;
import dev.spool.internal.status.QueryStep;
import dev.spool.internal.status.StatusStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.Consumer;

/** {@link Statuses} over the status store; queries fan out over the queues and merge. */
final class StoreStatuses implements Statuses {
  private static final Comparator<JobStatus> NEWEST_FIRST =
      Comparator.comparingLong(StoreStatuses::recordedMicros)
          .reversed()
          .thenComparing(s -> s.id().queue())
          .thenComparing(s -> s.id().number(), Comparator.reverseOrder());

  /** When a status was recorded (µs), 0 when unknown or out of range (written by hand). */
  private static long recordedMicros(JobStatus s) {
    try {
      return s.timestamp(Timestamp.RECORDED_AT).map(Micros::of).orElse(0L);
    } catch (ArithmeticException e) {
      return 0L;
    }
  }

  /**
   * Merges per-queue lists, each in its walk's order (highest number first), newest first across
   * queues by taking the newest of the lists' heads each time: each list is only ever taken from
   * its head, so what a page leaves of a queue lies wholly below its last status taken, and no
   * status is skipped when recorded times (the enqueuers' clocks) do not follow job numbers.
   */
  private static List<JobStatus> mergeByHeads(List<JobStatus> loaded, long max) {
    Map<String, ArrayDeque<JobStatus>> byQueue = new LinkedHashMap<>();
    for (JobStatus status : loaded) {
      byQueue.computeIfAbsent(status.id().queue(), q -> new ArrayDeque<>()).add(status);
    }
    PriorityQueue<ArrayDeque<JobStatus>> heads =
        new PriorityQueue<>((a, b) -> NEWEST_FIRST.compare(a.peekFirst(), b.peekFirst()));
    heads.addAll(byQueue.values());
    List<JobStatus> out = new ArrayList<>();
    while (!heads.isEmpty() && out.size() < max) {
      ArrayDeque<JobStatus> head = heads.poll();
      out.add(head.pollFirst());
      if (!head.isEmpty()) {
        heads.add(head);
      }
    }
    return out;
  }

  private final StatusStore store;
  private final JobStore jobs;
  private final Clock clock;

  StoreStatuses(StatusStore store, JobStore jobs, Clock clock) {
    this.store = store;
    this.jobs = jobs;
    this.clock = clock;
  }

  @Override
  public JobStatus create() {
    return create(Queues.DEFAULT);
  }

  @Override
  public JobStatus create(String queue) {
    jobs.registerQueue(Queues.validate(queue));
    JobId id = store.create(queue, Micros.now(clock));
    return new JobStatus(store, clock, id, store.load(id));
  }

  @Override
  public Optional<JobStatus> find(JobId id) {
    Map<String, String> fields = store.load(id);
    return fields.isEmpty()
        ? Optional.empty()
        : Optional.of(new JobStatus(store, clock, id, fields));
  }

  @Override
  public JobLogPage log(JobId id, long from, int maxLines) {
    if (from < 0) {
      throw new IllegalArgumentException("from must be 0 or more, got " + from);
    }
    return logPage(id, from, maxLines);
  }

  @Override
  public JobLogPage logTail(JobId id, int maxLines) {
    return logPage(id, -1, maxLines);
  }

  private JobLogPage logPage(JobId id, long from, int maxLines) {
    if (maxLines < 1 || maxLines > JobLogLine.MAX_LINES) {
      throw new IllegalArgumentException(
          "maxLines must be in [1, " + JobLogLine.MAX_LINES + "], got " + maxLines);
    }
    List<Object> answer = store.log(id, from, maxLines);
    List<JobLogLine> lines = new ArrayList<>(answer.size() - 2);
    for (Object stored : answer.subList(2, answer.size())) {
      lines.add(JobLogLines.decode((String) stored));
    }
    return new JobLogPage((Long) answer.get(0), lines, (Long) answer.get(1));
  }

  @Override
  public JobStatus findOrUnknown(JobId id) {
    return new JobStatus(store, clock, id, store.load(id));
  }

  /** The statuses of many jobs in one pipelined round trip, in order; unknown ones as UNKNOWN. */
  List<JobStatus> findAllOrUnknown(List<JobId> ids) {
    List<Map<String, String>> fields = store.loadAll(ids);
    List<JobStatus> out = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      out.add(new JobStatus(store, clock, ids.get(i), fields.get(i)));
    }
    return out;
  }

  @Override
  public StatusQuery all() {
    return new StatusQuery(this);
  }

  private List<String> queuesOf(StatusQuery q) {
    List<String> queues =
        q.queue() != null ? jobs.shards().physical(q.queue()) : jobs.queues(); // a sharded one: all
    return queues.stream().filter(q::mayMatchIn).toList();
  }

  long count(StatusQuery q) {
    return store.count(queuesOf(q), q::encode); // every queue's calls in the same round trips
  }

  StatusCount countFor(StatusQuery q, Duration within, String cursor) {
    String fingerprint = q.fingerprint();
    QueryCursor.Count at =
        cursor == null
            ? new QueryCursor.Count(0, "", QueryStep.FROM_NEWEST)
            : QueryCursor.parseCount(fingerprint, cursor);
    // By name, so that the cursor says where the walk stands even if queues are added meanwhile.
    List<String> queues =
        queuesOf(q).stream().filter(name -> name.compareTo(at.queue()) >= 0).sorted().toList();
    long deadline = System.nanoTime() + within.toNanos();
    long counted = at.counted();
    for (int i = 0; i < queues.size(); i++) {
      String queue = queues.get(i);
      long below = queue.equals(at.queue()) ? at.below() : QueryStep.FROM_NEWEST;
      while (true) {
        QueryStep step = store.step(queue, q.encode(queue), true, below, 0, 0);
        counted += step.counted();
        below = step.cursor();
        boolean more = !step.exhausted() || i + 1 < queues.size();
        if (!more) {
          return new StatusCount(counted, null);
        }
        if (System.nanoTime() - deadline >= 0) {
          String next = step.exhausted() ? queues.get(i + 1) : queue;
          long from = step.exhausted() ? QueryStep.FROM_NEWEST : below;
          return new StatusCount(
              counted, QueryCursor.count(fingerprint, new QueryCursor.Count(counted, next, from)));
        }
        if (step.exhausted()) {
          break;
        }
      }
    }
    return new StatusCount(counted, null);
  }

  StatusPage page(StatusQuery q, int size, String cursor) {
    String fingerprint = q.fingerprint();
    Map<String, Long> positions =
        cursor == null
            ? new TreeMap<>()
            : new TreeMap<>(QueryCursor.parsePage(fingerprint, cursor));
    List<String> queues = queuesOf(q);
    Map<String, Long> walking = new HashMap<>();
    for (String queue : queues) {
      long below = positions.getOrDefault(queue, QueryStep.FROM_NEWEST);
      if (below != QueryStep.END) {
        walking.put(queue, below);
      }
    }
    // Every queue's walk in the same round trips, then all their statuses in one more.
    Map<String, QueryStep> steps = store.pages(walking, q::encode, size);
    Map<String, Long> ends = new HashMap<>();
    List<JobId> ids = new ArrayList<>();
    for (Map.Entry<String, QueryStep> e : steps.entrySet()) {
      ends.put(e.getKey(), e.getValue().cursor());
      e.getValue().numbers().forEach(n -> ids.add(new JobId(e.getKey(), n)));
    }
    // Up to `size` from every queue: merged as read cut short (their times are all the merge
    // needs), so that a page over many queues reads whole only the statuses it shows.
    // (A query clipped as short as the merge's read, a bulk call's, is read once.)
    boolean several =
        ids.size() > size && !(q.clipChars() > 0 && q.clipChars() <= MERGE_CLIP_CHARS);
    List<JobStatus> merged = load(ids, several ? MERGE_CLIP_CHARS : q.clipChars());
    List<JobStatus> taken = mergeByHeads(merged, size);
    Map<String, Long> next = new TreeMap<>(positions);
    for (String queue : ends.keySet()) {
      List<JobStatus> fromQueue = taken.stream().filter(s -> s.id().queue().equals(queue)).toList();
      long fetched = merged.stream().filter(s -> s.id().queue().equals(queue)).count();
      if (fromQueue.size() == fetched) {
        next.put(queue, ends.get(queue)); // all it gave was taken: on from where its walk stopped
      } else if (!fromQueue.isEmpty()) {
        next.put(queue, fromQueue.getLast().id().number()); // on below the last one taken
      }
    }
    boolean over =
        queues.stream()
            .allMatch(name -> next.getOrDefault(name, QueryStep.FROM_NEWEST) == QueryStep.END);
    // A status deleted or pruned between the two reads is left out of this page.
    List<JobStatus> shown =
        several ? load(taken.stream().map(JobStatus::id).toList(), q.clipChars()) : taken;
    return new StatusPage(shown, over ? null : QueryCursor.page(fingerprint, next));
  }

  List<JobStatus> list(StatusQuery q) {
    List<String> queues = queuesOf(q);
    long offset = q.offsetValue();
    long limit = q.limitValue();
    if (queues.size() == 1) {
      String queue = queues.getFirst();
      return load(ids(queue, store.query(queue, q.encode(queue), offset, limit)), q.clipChars());
    }
    long window = limit == Long.MAX_VALUE ? Long.MAX_VALUE : Math.addExact(offset, limit);
    // Each queue's first offset + limit matches, walked together, then read in one round trip.
    Map<String, Long> fromNewest = new HashMap<>();
    queues.forEach(queue -> fromNewest.put(queue, QueryStep.FROM_NEWEST));
    List<JobId> ids = new ArrayList<>();
    store
        .pages(fromNewest, q::encode, window)
        .forEach((queue, step) -> ids.addAll(ids(queue, step.numbers())));
    if (offset == 0) {
      return List.copyOf(mergeByHeads(load(ids, q.clipChars()), limit));
    }
    // The statuses before the page are only counted off: merged as read cut short (their times
    // are all the merge needs), so that a deep page costs its own statuses whole, not the
    // offset's too; then the page's are read as asked.
    List<JobStatus> merged = mergeByHeads(load(ids, MERGE_CLIP_CHARS), Long.MAX_VALUE);
    int next = (int) Math.min(offset, merged.size());
    int size = (int) Math.min(limit, Integer.MAX_VALUE);
    List<JobStatus> page = new ArrayList<>();
    // A status deleted or pruned between the two reads is skipped, and the next one fills in.
    while (page.size() < size && next < merged.size()) {
      int to = Math.min(merged.size(), next + size - page.size());
      page.addAll(
          load(merged.subList(next, to).stream().map(JobStatus::id).toList(), q.clipChars()));
      next = to;
    }
    return List.copyOf(page);
  }

  /** What the merge of a deep page reads of each status: enough for its recorded time. */
  private static final int MERGE_CLIP_CHARS = 32;

  private static List<JobId> ids(String queue, List<Long> numbers) {
    return numbers.stream().map(n -> new JobId(queue, n)).toList();
  }

  /**
   * Statuses, in one round trip; with {@code clipChars} above 0, cut short in Redis (clipped()).
   */
  private List<JobStatus> load(List<JobId> ids, int clipChars) {
    List<Map<String, String>> fields =
        clipChars > 0 ? store.loadSummaries(ids, clipChars) : store.loadAll(ids);
    List<JobStatus> out = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      if (!fields.get(i).isEmpty()) {
        out.add(new JobStatus(store, clock, ids.get(i), fields.get(i)));
      }
    }
    return out;
  }

  /** Statuses a bulk call reads at once: its memory is a page's, whatever the matches. */
  private static final int BULK_PAGE = 1_000;

  /** What a bulk call reads of each status: its state, not its arguments or results. */
  private static final int BULK_CLIP_CHARS = 32;

  /** Hands the matches of {@code q} to {@code action} a page at a time, each status cut short. */
  private void forEachPage(StatusQuery q, Consumer<List<JobStatus>> action) {
    StatusQuery pages = q.offset(0).limit(BULK_PAGE).clipped(BULK_CLIP_CHARS);
    String cursor = null;
    do {
      StatusPage page = pages.page(cursor);
      action.accept(page.statuses());
      cursor = page.next();
    } while (cursor != null);
  }

  long deleteAll(StatusQuery q, boolean force) {
    if (!force) {
      // Nothing is deleted unless every match is completed: a first pass reads their states.
      forEachPage(
          q,
          page -> {
            for (JobStatus s : page) {
              if (!s.isCompleted()) {
                throw new StatusIncompleteException(s.id(), s.state());
              }
            }
          });
    }
    long[] deleted = {0};
    // Keyset pages: deleting a page shifts none after it.
    forEachPage(
        q,
        page -> {
          for (String queue : page.stream().map(s -> s.id().queue()).distinct().toList()) {
            List<Long> numbers =
                page.stream()
                    .filter(s -> s.id().queue().equals(queue))
                    .map(s -> s.id().number())
                    .toList();
            deleted[0] += store.delete(queue, numbers, force, Micros.now(clock))[0];
          }
        });
    return deleted[0];
  }

  long requestKillAll(StatusQuery q) {
    long[] requested = {0};
    forEachPage(
        q,
        page -> {
          for (JobStatus s : page) {
            if (!s.isCompleted() && s.state() != State.KILLED) {
              s.requestKill();
              requested[0]++;
            }
          }
        });
    return requested[0];
  }
}
