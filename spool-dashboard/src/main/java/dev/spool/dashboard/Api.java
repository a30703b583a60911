package dev.spool.dashboard;

import static dev.spool.dashboard.Documents.object;

import dev.spool.BatchProgress;
import dev.spool.DeadPage;
import dev.spool.JobId;
import dev.spool.JobStatus;
import dev.spool.QueueCounts;
import dev.spool.Queues;
import dev.spool.SpoolConnectionException;
import dev.spool.State;
import dev.spool.StatusCount;
import dev.spool.Timestamp;
import dev.spool.UniqueJobConflictException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The JSON API under {@code /api/}: every page and action of the UI goes through it. */
final class Api {
  private static final Logger log = LoggerFactory.getLogger(Api.class);

  /** The largest page of jobs, dead jobs or open parts one request may ask for. */
  static final int MAX_PAGE = 100;

  static final int DEFAULT_PAGE = 50;

  /**
   * A job type name is at most this long (JobType's rule): a longer name filter matches nothing.
   */
  static final int MAX_NAME_FILTER_CHARS = 200;

  /**
   * The longest job-arg value a filter may give: Redis compares every candidate against it, so a
   * 100 000-char value made 12–54 ms scripts; indexed job args are short values such as ids.
   */
  static final int MAX_ARG_FILTER_CHARS = 1_000;

  /**
   * The longest batch id a filter may give: a queue name and a token, each far shorter (a longer
   * one matches nothing, and is refused before Redis sees it).
   */
  static final int MAX_BATCH_FILTER_CHARS = 1_000;

  /** Alternatives one filter part may list ({@code name=a,b,c}); more is not a query but a scan. */
  static final int MAX_ALTERNATIVES = 20;

  /**
   * Lines of a job's log one request reads at most (a line is up to 2 000 characters): the job page
   * reads the newest, then only the lines added since (by position), never the whole log again.
   */
  static final int MAX_LOG_PAGE = 500;

  static final int DEFAULT_LOG_PAGE = 200;

  /** Jobs one bulk request acts on at most; the UI repeats it for the rest. */
  static final int BULK_MAX = 1_000;

  /**
   * Dead jobs after which a retry or purge of every queue's dead set stops (after the queue that
   * reached it): the UI repeats it from the answer's {@code next} until no queue is left.
   */
  static final int DEAD_BULK_MAX = 1_000;

  /**
   * How long one request counts a jobs query: the page shows "≥ N" until a later poll finishes the
   * count, and Redis is never busy for long with it.
   */
  static final Duration COUNT_BUDGET = Duration.ofMillis(20);

  // The parameters each endpoint takes: any other is a 400 (Params.takes), never ignored.
  private static final List<String> NONE = List.of();

  /** A jobs query, as api/jobs and the bulk actions take it. */
  static final List<String> FILTER_PARAMS =
      List.of("state", "queue", "name", "arg", "batch", "timestamp", "from", "to");

  /** {@code offset} is taken only to be refused with a message that says to follow {@code next}. */
  static final List<String> JOBS_PARAMS =
      concat(FILTER_PARAMS, "cursor", "countCursor", "count", "limit", "offset");

  static final List<String> BULK_PARAMS = concat(FILTER_PARAMS, "cursor");
  static final List<String> LOG_PARAMS = List.of("from", "limit");
  static final List<String> DEAD_PARAMS = List.of("queue", "cursor", "limit", "offset");
  static final List<String> DEAD_ACTION_PARAMS = List.of("queue", "cursor");

  private static final Pattern QUOTED = Pattern.compile("'([^']{81,})'");

  private final DashboardData data;
  private final LiveOverview overview;
  private final boolean readOnly;

  Api(DashboardData data, boolean readOnly) {
    this.data = data;
    this.overview = new LiveOverview(data);
    this.readOnly = readOnly;
  }

  /**
   * Answers one API request.
   *
   * @param path the decoded segments after {@code api/}
   */
  Object handle(String method, List<String> path, Params params) {
    boolean post = method.equals("POST");
    if (!post && !method.equals("GET") && !method.equals("HEAD")) {
      throw new ApiException(405, "method " + method + " is not allowed: use GET, or POST to act");
    }
    if (post && readOnly) {
      throw new ApiException(403, "the dashboard is read-only: actions are turned off");
    }
    String first = path.isEmpty() ? "" : path.getFirst();
    int n = path.size();
    return switch (first) {
      case "session" -> {
        params.takes("api/session", NONE);
        yield get(post, this::session);
      }
      case "overview" -> {
        params.takes("api/overview", NONE);
        yield get(post, overview::get);
      }
      case "live" -> {
        params.takes("api/live", NONE);
        yield get(post, () -> object("stamp", overview.stamp()));
      }
      case "throughput" -> {
        params.takes("api/throughput", NONE);
        yield get(post, this::throughput);
      }
      case "queues" -> {
        if (n == 2) { // by query, for a queue named "." or ".."
          params.takes("api/queues/" + Params.clip(path.get(1)), queueParams(path.get(1), true));
          yield postOnly(post, () -> queueAction(required(params, "queue"), path.get(1), params));
        }
        if (n == 3) {
          params.takes(
              "api/queues/<queue>/" + Params.clip(path.get(2)), queueParams(path.get(2), false));
          yield postOnly(post, () -> queueAction(path.get(1), path.get(2), params));
        }
        throw unknown(path);
      }
      case "nodes" -> {
        if (n == 2) { // by query: a node's name may hold any character
          params.takes("api/nodes/" + Params.clip(path.get(1)), List.of("node"));
          yield postOnly(post, () -> nodeAction(required(params, "node"), path.get(1)));
        }
        throw unknown(path);
      }
      case "jobs" -> {
        if (n == 1) {
          params.takes("api/jobs", JOBS_PARAMS);
          yield get(post, () -> jobs(params));
        }
        if (n == 3 && path.get(1).equals("bulk")) {
          params.takes("api/jobs/bulk/" + Params.clip(path.get(2)), BULK_PARAMS);
          yield postOnly(post, () -> bulk(path.get(2), params));
        }
        JobId id = jobId(path.get(1));
        if (n == 2) {
          params.takes("api/jobs/<id>", NONE);
          yield get(post, () -> job(id));
        }
        if (n == 3 && path.get(2).equals("log")) {
          params.takes("api/jobs/<id>/log", LOG_PARAMS);
          yield get(post, () -> log(id, params));
        }
        if (n == 3) {
          params.takes("api/jobs/<id>/" + Params.clip(path.get(2)), NONE);
          yield postOnly(post, () -> act(path.get(2), id));
        }
        throw unknown(path);
      }
      case "dead" -> {
        if (n == 1) {
          params.takes("api/dead", DEAD_PARAMS);
          yield get(post, () -> dead(params));
        }
        if (n == 2) {
          params.takes("api/dead/" + Params.clip(path.get(1)), DEAD_ACTION_PARAMS);
          yield postOnly(post, () -> deadAction(path.get(1), params));
        }
        throw unknown(path);
      }
      case "recurring" -> {
        if (n == 1) {
          params.takes("api/recurring", NONE);
          yield get(post, this::recurring);
        }
        // By query, for names the browser's URL parser would change as a path segment ("..").
        if (n == 2 && (path.get(1).equals("cancel") || path.get(1).equals("trigger"))) {
          params.takes("api/recurring/" + path.get(1), List.of("name"));
          String name = required(params, "name");
          yield postOnly(
              post,
              () -> path.get(1).equals("cancel") ? cancelRecurring(name) : triggerRecurring(name));
        }
        if (n == 3 && (path.get(2).equals("cancel") || path.get(2).equals("trigger"))) {
          params.takes("api/recurring/<name>/" + path.get(2), NONE);
          yield postOnly(
              post,
              () ->
                  path.get(2).equals("cancel")
                      ? cancelRecurring(path.get(1))
                      : triggerRecurring(path.get(1)));
        }
        throw unknown(path);
      }
      case "batches" -> {
        if (n == 2) {
          params.takes("api/batches/<id>", NONE);
          yield get(post, () -> batch(path.get(1)));
        }
        throw unknown(path);
      }
      case "distributed" -> {
        if (n == 2) {
          params.takes("api/distributed/<token>", NONE);
          yield get(post, () -> distributed(path.get(1)));
        }
        throw unknown(path);
      }
      default -> throw unknown(path);
    };
  }

  /** What a queue action takes: the queue (in its query form) and, for a drain, scheduled. */
  private static List<String> queueParams(String action, boolean byQuery) {
    List<String> known = new ArrayList<>();
    if (byQuery) {
      known.add("queue");
    }
    if (action.equals("drain")) {
      known.add("scheduled");
    }
    return known;
  }

  private static Object get(boolean post, Supplier<Object> reader) {
    if (post) {
      throw new ApiException(405, "this is read with GET");
    }
    return reader.get();
  }

  private static Object postOnly(boolean post, Supplier<Object> action) {
    if (!post) {
      throw new ApiException(405, "actions need POST (with the CSRF token)");
    }
    return action.get();
  }

  private static String required(Params params, String name) {
    String v = params.string(name);
    if (v == null) {
      throw ApiException.badRequest("the " + name + " parameter is missing");
    }
    return v;
  }

  private static List<String> concat(List<String> first, String... more) {
    List<String> all = new ArrayList<>(first);
    all.addAll(List.of(more));
    return List.copyOf(all);
  }

  private static ApiException unknown(List<String> path) {
    return ApiException.notFound("no such API endpoint: /api/" + String.join("/", path));
  }

  private Map<String, Object> session() {
    return object("namespace", data.namespace(), "readOnly", readOnly);
  }

  /**
   * Pauses, resumes or drains a queue the namespace has; a drain with {@code scheduled=true} takes
   * its scheduled jobs too.
   */
  private Map<String, Object> queueAction(String queue, String action, Params params) {
    if (!action.equals("pause") && !action.equals("resume") && !action.equals("drain")) {
      throw ApiException.notFound(
          "no queue action '" + Params.clip(action) + "': use pause, resume or drain");
    }
    try {
      Queues.validate(queue);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("queue: " + e.getMessage());
    }
    requireKnown(queue);
    if (action.equals("drain")) {
      boolean scheduled = params.bool("scheduled", false);
      long drained = data.drain(queue, scheduled);
      return object("queue", queue, "action", action, "drained", drained, "scheduled", scheduled);
    }
    boolean changed = action.equals("pause") ? data.pause(queue) : data.resume(queue);
    overview.controlsChanged();
    return object(
        "queue", queue, "action", action, "changed", changed, "paused", action.equals("pause"));
  }

  /** Quiets or resumes a live node. */
  private Map<String, Object> nodeAction(String node, String action) {
    boolean changed =
        switch (action) {
          case "quiet" -> {
            if (!data.quietNode(node)) {
              throw ApiException.notFound("no live node '" + Params.clip(node) + "'");
            }
            yield true;
          }
          case "resume" -> data.resumeNode(node);
          default ->
              throw ApiException.notFound(
                  "no node action '" + Params.clip(action) + "': use quiet or resume");
        };
    return object("node", node, "action", action, "changed", changed);
  }

  private Map<String, Object> throughput() {
    List<Object> minutes = new ArrayList<>();
    for (ThroughputMinute m : data.throughputHistory()) {
      minutes.add(
          object(
              "minute",
              m.minute().toString(),
              "succeeded",
              m.succeeded(),
              "failed",
              m.failed(),
              "processed",
              m.processed()));
    }
    return object("available", !minutes.isEmpty(), "minutes", minutes);
  }

  /**
   * A page by cursor and a count within {@link #COUNT_BUDGET}: {@code countCursor} (the previous
   * answer's) goes on with a count still in progress instead of starting over; {@code count=false}
   * counts nothing (the client keeps a complete count until the data changes).
   */
  private Map<String, Object> jobs(Params params) {
    JobFilter filter = filter(params);
    int limit = params.integer("limit", DEFAULT_PAGE, 1, MAX_PAGE);
    boolean counting = params.bool("count", true);
    if (params.string("offset") != null) {
      throw ApiException.badRequest(
          "offset is not taken: jobs pages go by cursor (pass the previous page's next)");
    }
    JobPage page;
    StatusCount count;
    try {
      page = data.jobs(filter, params.string("cursor"), limit);
      count = counting ? data.countJobs(filter, COUNT_BUDGET, params.string("countCursor")) : null;
    } catch (IllegalArgumentException e) { // a malformed cursor, quoted: cut like other quotes
      throw ApiException.badRequest(clipped(e.getMessage()));
    }
    return object(
        "total",
        count == null ? null : count.counted(),
        "totalComplete",
        count == null ? null : count.complete(),
        "totalDisplay",
        count == null ? null : count.display(),
        "countCursor",
        count == null ? null : count.cursor(),
        "limit",
        limit,
        "next",
        page.next(),
        "jobs",
        page.jobs().stream().map(Documents::jobSummary).toList());
  }

  static JobFilter filter(Params params) {
    List<State> states = new ArrayList<>();
    for (String s : alternatives(params, "state", MAX_NAME_FILTER_CHARS)) {
      State state;
      try {
        state = State.parseQueried(s);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("state: " + e.getMessage());
      }
      states.add(state);
    }
    String queue = params.string("queue");
    if (queue != null) {
      try {
        Queues.validate(queue);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("queue: " + e.getMessage());
      }
    }
    Instant from = params.instant("from");
    Instant to = params.instant("to");
    Timestamp timestamp = null;
    String ts = params.string("timestamp");
    if (ts != null || from != null || to != null) {
      timestamp = timestamp(ts == null ? "recorded_at" : ts);
      if (from != null && to != null && from.isAfter(to)) {
        throw ApiException.badRequest("from is after to");
      }
    }
    return new JobFilter(
        states,
        queue,
        alternatives(params, "name", MAX_NAME_FILTER_CHARS),
        alternatives(params, "arg", MAX_ARG_FILTER_CHARS),
        alternatives(params, "batch", MAX_BATCH_FILTER_CHARS),
        timestamp,
        from,
        to);
  }

  /** A filter part's values, refused before Redis sees them if too many or too long. */
  private static List<String> alternatives(Params params, String name, int maxChars) {
    List<String> values = params.list(name);
    if (values.size() > MAX_ALTERNATIVES) {
      throw ApiException.badRequest(
          name + " takes at most " + MAX_ALTERNATIVES + " alternatives, got " + values.size());
    }
    for (String v : values) {
      if (v.length() > maxChars) {
        throw ApiException.badRequest(
            name
                + " values are at most "
                + maxChars
                + " characters, got one of "
                + v.length()
                + ": '"
                + Params.clip(v)
                + "'");
      }
    }
    return values;
  }

  private static Timestamp timestamp(String name) {
    for (Timestamp t : Timestamp.values()) {
      if (Documents.stampName(t).equals(name.toLowerCase(Locale.ROOT)) && SpoolData.queryable(t)) {
        return t;
      }
    }
    throw ApiException.badRequest(
        "timestamp must be one of recorded_at, scheduled_at, queued_at, started_at,"
            + " succeeded_at, failed_at, killed_at; got '"
            + Params.clip(name)
            + "'");
  }

  static JobId jobId(String text) {
    try {
      return JobId.parse(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  private JobStatus existing(JobId id) {
    return data.job(id)
        .orElseThrow(
            () -> ApiException.notFound("no job " + id + " (never enqueued, or past retention)"));
  }

  private Map<String, Object> job(JobId id) {
    return Documents.jobDetail(existing(id));
  }

  /** The newest lines of a job's log, or with {@code from} the lines from that position on. */
  private Map<String, Object> log(JobId id, Params params) {
    int limit = params.integer("limit", DEFAULT_LOG_PAGE, 1, MAX_LOG_PAGE);
    String from = params.string("from");
    return Documents.log(
        from == null
            ? data.logTail(id, limit)
            : data.log(id, params.integer("from", 0, 0, Integer.MAX_VALUE), limit));
  }

  private Map<String, Object> act(String action, JobId id) {
    if (!List.of("retry", "kill", "cancel", "delete", "run-now").contains(action)) {
      throw ApiException.notFound(
          "no action '" + Params.clip(action) + "': use retry, kill, cancel, run-now or delete");
    }
    JobStatus before = existing(id);
    boolean done;
    try {
      done =
          switch (action) {
            case "retry" -> data.retry(id);
            case "kill" -> data.kill(id);
            case "cancel" -> data.cancel(id);
            case "delete" -> data.delete(id);
            case "run-now" -> data.runNow(id);
            default -> throw new IllegalStateException(action);
          };
    } catch (UniqueJobConflictException e) { // a dead job whose lock another job took meanwhile
      throw ApiException.conflict(e.getMessage());
    }
    if (!done) {
      throw ApiException.conflict(
          "cannot " + action + " job " + id + ": it is " + before.state().stored() + why(action));
    }
    Optional<JobStatus> after = data.job(id);
    String state = after.map(s -> s.state().stored()).orElse("deleted");
    if (action.equals("kill") && after.isPresent()) {
      return killAnswer(id, after.get());
    }
    return object(
        "id",
        id.toString(),
        "action",
        action,
        "done",
        true,
        "requested",
        false,
        "state",
        state,
        "message",
        action.equals("delete") ? "deleted" : pastTense(action) + ": now " + state);
  }

  /**
   * A kill is done at once only for a job nothing runs (waiting, delayed): a running job's kill is
   * a request, which its node acts on by interrupting the handler, the job showing as killed once
   * the handler stops. The answer says which, by the state read after the request.
   */
  private static Map<String, Object> killAnswer(JobId id, JobStatus after) {
    State state = after.state();
    boolean requested = state != State.KILLED && after.isKillRequested();
    String node = after.raw().get(Documents.NODE_FIELD);
    String message =
        switch (state) {
          case KILLED -> "killed";
          case STARTED ->
              "kill requested: "
                  + (node == null ? "the node running it" : "node " + node + ", which runs it,")
                  + " interrupts it; it shows as killed once its handler stops";
          case UNQUEUED ->
              "kill requested: whatever runs this job stops when it sees the request"
                  + " (JobStatus.isKillRequested)";
          case SUCCEEDED, FAILED -> "kill requested, but the job ended first: " + state.stored();
          default -> "kill requested: now " + state.stored();
        };
    return object(
        "id",
        id.toString(),
        "action",
        "kill",
        "done",
        state == State.KILLED,
        "requested",
        requested,
        "state",
        state.stored(),
        "message",
        message);
  }

  private static String pastTense(String action) {
    return switch (action) {
      case "retry" -> "retried";
      case "cancel" -> "cancelled";
      case "run-now" -> "made ready";
      default -> "killed";
    };
  }

  private static String why(String action) {
    return switch (action) {
      case "retry" -> " (only dead or killed jobs can be retried, and no killed batch part)";
      case "kill" -> " (only waiting or running jobs can be killed)";
      case "cancel" -> " (only queued or delayed jobs can be cancelled)";
      case "run-now" -> " (only delayed jobs and jobs waiting for a retry can run now)";
      default -> " (only ended jobs can be deleted: succeeded, failed or killed)";
    };
  }

  /**
   * Acts on at most {@link #BULK_MAX} jobs a query matches among those the action can change,
   * newest first after {@code cursor}: the client repeats with the answer's {@code next} for more.
   */
  private Map<String, Object> bulk(String action, Params params) {
    if (!List.of("retry", "kill", "delete").contains(action)) {
      throw ApiException.notFound(
          "no bulk action '" + Params.clip(action) + "': use retry, kill or delete");
    }
    JobFilter filter = filter(params);
    // Only the jobs the action can change: the others would fill every batch and hide the older
    // ones it can (a Delete all of a queue whose newest thousand are waiting deleted nothing).
    Set<State> states = EnumSet.copyOf(actsOn(action));
    if (!filter.states().isEmpty()) {
      Set<State> asked = EnumSet.noneOf(State.class);
      filter.states().forEach(s -> asked.addAll(s.members()));
      states.retainAll(asked);
    }
    if (states.isEmpty()) {
      return bulkAnswer(action, new StatusCount(0, null), 0, 0, 0, null);
    }
    JobFilter eligible = filter.withStates(List.copyOf(states));
    StatusCount matched;
    JobPage page;
    try {
      matched = data.countJobs(eligible, COUNT_BUDGET, null);
      page = data.jobs(eligible, params.string("cursor"), BULK_MAX);
    } catch (IllegalArgumentException e) { // a malformed cursor, or another query's
      throw ApiException.badRequest(clipped(e.getMessage()));
    }
    long changed = 0;
    long held = 0;
    // By the state the page read (cut short in Redis): no job is read again whole to act on it.
    for (JobStatus s : page.jobs()) {
      boolean done =
          switch (action) {
            case "retry" -> {
              try {
                yield data.retry(s.id());
              } catch (UniqueJobConflictException e) {
                // A dead job whose unique lock another job holds stays dead; the others go on.
                held++;
                yield false;
              }
            }
            case "kill" -> !s.isKillRequested() && data.killListed(s); // asked once is enough
            default -> data.deleteListed(s);
          };
      if (done) {
        changed++;
      }
    }
    return bulkAnswer(action, matched, page.jobs().size(), changed, held, page.next());
  }

  /** The states a bulk action can change (see DeadJobs.retry, SpoolData.kill and delete). */
  private static Set<State> actsOn(String action) {
    return switch (action) {
      case "retry" -> EnumSet.of(State.FAILED);
      case "kill" -> EnumSet.of(State.UNQUEUED, State.SCHEDULED, State.QUEUED, State.STARTED);
      default -> EnumSet.of(State.SUCCEEDED, State.FAILED, State.KILLED);
    };
  }

  private static Map<String, Object> bulkAnswer(
      String action, StatusCount matched, int examined, long changed, long held, String next) {
    return object(
        "action",
        action,
        "matched",
        matched.counted(),
        "matchedDisplay",
        matched.display(),
        "examined",
        examined,
        "changed",
        changed,
        "held",
        held,
        "next",
        next,
        // A page ending exactly at the last match may still have a next cursor: "more" may be
        // true once with nothing left, and the repeat then examines nothing.
        "more",
        next != null);
  }

  /**
   * A page of the dead set by cursor: of one queue, or of every queue merged by time of death
   * (DeadJobs.page: per queue its next {@code limit} entries, however deep the page).
   */
  private Map<String, Object> dead(Params params) {
    String queue = knownQueueParam(params);
    int limit = params.integer("limit", DEFAULT_PAGE, 1, MAX_PAGE);
    if (params.string("offset") != null) {
      throw ApiException.badRequest(
          "offset is not taken: dead pages go by cursor (pass the previous page's next)");
    }
    List<String> queues = queue != null ? List.of(queue) : queues();
    DeadPage page;
    try {
      page = data.deadPage(queues, params.string("cursor"), limit);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(clipped(e.getMessage()));
    }
    // Every queue's count in one round trip, as the overview reads them.
    long total = data.snapshot(queues).counts().stream().mapToLong(QueueCounts::dead).sum();
    return object(
        "total",
        total,
        "limit",
        limit,
        "next",
        page.next(),
        "jobs",
        page.jobs().stream().map(Documents::dead).toList());
  }

  /**
   * Retries or purges the dead sets of one queue or of every queue, in name order after {@code
   * cursor} (the last queue a previous request did), until about {@link #DEAD_BULK_MAX} dead jobs
   * are done: whole queues at a time, as DeadJobs.retryAll and purge take them, so one request does
   * at most that plus one queue's dead set (bounded by deadJobsMaxSize), however many queues there
   * are. A queue whose dead set fails is reported in {@code failed}, and the others go on.
   */
  private Map<String, Object> deadAction(String action, Params params) {
    // Checked before the queues: with none (or a misspelt one) it would answer 200, count 0.
    if (!action.equals("retry") && !action.equals("purge")) {
      throw ApiException.notFound(
          "no dead-set action '" + Params.clip(action) + "': use retry or purge");
    }
    String queue = knownQueueParam(params);
    String after = queueName(params, "cursor");
    List<String> queues =
        (queue != null ? List.of(queue) : queues())
            .stream().filter(q -> after == null || q.compareTo(after) > 0).sorted().toList();
    // Every queue's dead count in one round trip: only queues with dead jobs cost a call (a dead
    // set of another type counts none and is left alone).
    List<QueueCounts> counts = queues.isEmpty() ? List.of() : data.snapshot(queues).counts();
    long n = 0;
    long work = 0;
    String last = null;
    boolean more = false;
    List<Object> failed = new ArrayList<>();
    for (int i = 0; i < queues.size(); i++) {
      long dead = counts.get(i).dead();
      if (dead == 0) {
        continue;
      }
      if (work >= DEAD_BULK_MAX) {
        more = true;
        break;
      }
      String q = queues.get(i);
      try {
        n += action.equals("retry") ? data.retryAllDead(q) : data.purgeDead(q);
      } catch (SpoolConnectionException e) {
        throw e; // Redis unreachable: every queue would fail, one timeout after another
      } catch (RuntimeException e) {
        log.warn("dashboard: {} of the dead set of queue {} failed", action, q, e);
        failed.add(object("queue", q, "error", e.getClass().getSimpleName()));
      }
      work += dead;
      last = q;
    }
    return object(
        "action",
        action,
        "queue",
        queue,
        "count",
        n,
        "failed",
        failed,
        "next",
        more ? last : null,
        "more",
        more);
  }

  private List<String> queues() {
    return data.queues();
  }

  /** The queue parameter, which must name a queue of the namespace (a typo answers 404). */
  private String knownQueueParam(Params params) {
    String queue = queueParam(params);
    if (queue != null) {
      requireKnown(queue);
    }
    return queue;
  }

  private void requireKnown(String queue) {
    if (!data.queues().contains(queue)) {
      throw ApiException.notFound("no queue '" + Params.clip(queue) + "' in this namespace");
    }
  }

  private static String queueParam(Params params) {
    return queueName(params, "queue");
  }

  /** A parameter that names a queue, checked as a queue name. */
  private static String queueName(Params params, String name) {
    String queue = params.string(name);
    if (queue != null) {
      try {
        Queues.validate(queue);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest(name + ": " + e.getMessage());
      }
    }
    return queue;
  }

  private Map<String, Object> recurring() {
    return object("recurring", data.recurringJobs().stream().map(Documents::recurring).toList());
  }

  private Map<String, Object> triggerRecurring(String name) {
    if (!data.triggerRecurring(name)) {
      throw ApiException.notFound("no recurring job '" + Params.clip(name) + "'");
    }
    return object("name", name, "triggered", true);
  }

  private Map<String, Object> cancelRecurring(String name) {
    if (!data.cancelRecurring(name)) {
      throw ApiException.notFound("no recurring job '" + Params.clip(name) + "'");
    }
    return object("name", name, "cancelled", true);
  }

  private Map<String, Object> batch(String id) {
    BatchProgress p;
    try {
      p =
          data.batch(id)
              .orElseThrow(() -> ApiException.notFound("no batch '" + Params.clip(id) + "'"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(clipped(e.getMessage()));
    }
    return object(
        "id", id,
        "total", p.total(),
        "pending", p.pending(),
        "succeeded", p.succeeded(),
        "failed", p.failed(),
        "finished", p.finished(),
        "stopped", p.stopped());
  }

  private Map<String, Object> distributed(String token) {
    DistributedProgress p;
    try {
      p =
          data.distributedJob(token)
              .orElseThrow(
                  () -> ApiException.notFound("no distributed job '" + Params.clip(token) + "'"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(clipped(e.getMessage()));
    }
    return object(
        "token", p.token(),
        "open", p.count(),
        "total", p.total(),
        "finished", p.finished(),
        "stopped", p.stopped(),
        "openParts", p.openParts());
  }

  /** What a message quotes ('…'), such as the client's token, cut to 80 chars like other errors. */
  private static String clipped(String message) {
    if (message == null) {
      return "malformed";
    }
    return QUOTED
        .matcher(message)
        .replaceAll(m -> Matcher.quoteReplacement("'" + Params.clip(m.group(1)) + "'"));
  }
}
