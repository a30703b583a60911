package dev.spool.cli;

import dev.spool.JobStatus;
import dev.spool.Spool;
import dev.spool.State;
import dev.spool.StatusCount;
import dev.spool.StatusQuery;
import dev.spool.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code spool query}: the statuses that match, newest first. */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Lists the job statuses that match every given option, newest first (values of one option"
          + " are alternatives).",
      "Without options: the latest statuses of every queue."
    })
public final class QueryCommand extends ClientCommand {
  @Option(
      names = "--state",
      paramLabel = "STATE",
      split = ",",
      converter = StateConverter.class,
      description =
          "In one of these states: unqueued, scheduled, queued, started, succeeded, failed,"
              + " killed, or the groups completed (succeeded, failed) and incomplete.")
  List<State> states;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      split = ",",
      description = "With one of these job names (a Spool job's name is its type's).")
  List<String> names;

  @Option(
      names = "--arg",
      paramLabel = "VALUE",
      description =
          "With a job argument whose value is this (see JobStatus.jobArgs); repeat for"
              + " alternatives.")
  List<String> args;

  @Option(
      names = "--after",
      paramLabel = "TIME",
      converter = Times.InstantOrAgoConverter.class,
      description =
          "With --timestamp at or after this ISO-8601 instant, or this long ago (e.g. 30m).")
  Instant after;

  @Option(
      names = "--before",
      paramLabel = "TIME",
      converter = Times.InstantOrAgoConverter.class,
      description = "With --timestamp at or before this instant, or this long ago.")
  Instant before;

  @Option(
      names = "--timestamp",
      paramLabel = "NAME",
      defaultValue = "recorded_at",
      converter = TimestampConverter.class,
      description =
          "The timestamp --after and --before bound: recorded_at, scheduled_at, queued_at,"
              + " started_at, succeeded_at, failed_at or killed_at (default: ${DEFAULT-VALUE}).")
  Timestamp timestamp;

  @Option(names = "--queue", paramLabel = "Q", description = "In this queue only.")
  String queue;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "20",
      description = "Show at most N statuses (default: ${DEFAULT-VALUE}).")
  long limit;

  @Option(
      names = "--offset",
      paramLabel = "N",
      defaultValue = "0",
      description = "Skip the first N (default: ${DEFAULT-VALUE}).")
  long offset;

  @Option(
      names = "--count",
      description =
          "Print how many statuses match, not the statuses, counting every match (a page's last"
              + " line counts for at most "
              + PAGE_COUNT_MILLIS
              + " ms, then says \"of ≥ 1234\").")
  boolean count;

  /** How long a page's count of the matches may take, in milliseconds. */
  static final long PAGE_COUNT_MILLIS = 200;

  /** How long a page's count of the matches may take: {@link #PAGE_COUNT_MILLIS}; for tests. */
  Duration countBudget = Duration.ofMillis(PAGE_COUNT_MILLIS);

  @Override
  void validate() {
    if (limit < 0) {
      throw usage("--limit must not be negative, got " + limit);
    }
    if (names != null && names.stream().anyMatch(String::isEmpty)) {
      throw usage("--name: a job name must not be empty");
    }
    if (args != null && args.stream().anyMatch(String::isEmpty)) {
      throw usage("--arg: the value must not be empty");
    }
    if (offset < 0) {
      throw usage("--offset must not be negative, got " + offset);
    }
    if (after != null && before != null && after.isAfter(before)) {
      throw usage("--after " + after + " is later than --before " + before);
    }
  }

  /** The query the options describe; needs a Spool, but checks input like {@link #validate}. */
  private StatusQuery query(Spool spool) {
    StatusQuery q = spool.statuses().all();
    if (states != null && !states.isEmpty()) {
      StatusQuery base = q;
      q = checked("--state", () -> base.where(states.toArray(State[]::new)));
    }
    if (names != null && !names.isEmpty()) {
      StatusQuery base = q;
      q = checked("--name", () -> base.jobName(names.toArray(String[]::new)));
    }
    if (args != null && !args.isEmpty()) {
      StatusQuery base = q;
      q = checked("--arg", () -> base.jobArg(args.toArray(String[]::new)));
    }
    if (after != null || before != null) {
      StatusQuery base = q;
      q = checked(null, () -> base.between(timestamp, after, before));
    }
    if (queue != null) {
      StatusQuery base = q;
      q = checked("--queue", () -> base.queue(queue));
    }
    return q;
  }

  @Override
  int run(Spool spool) {
    StatusQuery query = query(spool);
    if (queue != null) {
      requireKnownQueue(spool, queue);
    }
    if (count) {
      long n = query.count();
      if (json()) {
        printJson(JsonOut.object("count", n));
      } else {
        out().println(n);
      }
      return 0;
    }
    List<JobStatus> page = query.offset(offset).limit(limit).list();
    StatusCount total = total(query, page);
    if (json()) {
      List<Object> rows = new ArrayList<>();
      for (JobStatus s : page) {
        rows.add(
            JsonOut.object(
                "id", s.id().toString(),
                "state", s.state().stored(),
                "attempt", s.attempt(),
                "jobName", s.jobName().orElse(null),
                "recordedAt", s.timestamp(Timestamp.RECORDED_AT).orElse(null)));
      }
      printJson(
          JsonOut.object(
              "total", total.counted(),
              "totalComplete", total.complete(),
              "offset", offset,
              "limit", limit,
              "statuses", rows));
      return 0;
    }
    if (total.complete() && total.counted() == 0) {
      out().println("no matching jobs");
      return 0;
    }
    if (limit == 0) { // the count alone, as spool dead list --limit 0 prints it
      out().println("0 of " + total.display());
      return 0;
    }
    if (page.isEmpty()) {
      out().println("no matching jobs at offset " + offset);
      out().println(total.display() + " match in all");
      return 0;
    }
    Table t = Table.of("id", "state", "attempt", "job", "recorded at").alignRight(2);
    for (JobStatus s : page) {
      t.row(
          s.id(),
          s.state().stored(),
          s.attempt(),
          s.jobName().orElse(null),
          s.timestamp(Timestamp.RECORDED_AT).map(Times::human).orElse(null));
    }
    out().print(t.render());
    long shownTo = offset + page.size();
    String footer = (offset + 1) + "-" + shownTo + " of " + total.display();
    if (total.complete() ? shownTo < total.counted() : page.size() == limit) {
      footer += " (--offset " + shownTo + " for more)";
    }
    out().println(footer);
    return 0;
  }

  /**
   * How many match, for a page's last line: a page that ends before its limit says so itself; else
   * a count bounded by {@link #countBudget} ("≥ 1234" when it stops short), as the dashboard shows
   * it. Counting them all walks every queue's statuses, so its work grows with the history kept;
   * {@code --count} does that.
   */
  private StatusCount total(StatusQuery query, List<JobStatus> page) {
    long shownTo = offset + page.size();
    if (limit > 0 && page.size() < limit && (!page.isEmpty() || offset == 0)) {
      return new StatusCount(shownTo, null);
    }
    StatusCount counted = query.countFor(countBudget, null);
    // What the page shows is a lower bound too, should the count have stopped short of it.
    return counted.complete() || counted.counted() >= shownTo
        ? counted
        : new StatusCount(shownTo, counted.cursor());
  }

  /**
   * Reads a state or group name a query can look for: any but {@link State#UNKNOWN}, which no
   * status is stored as.
   */
  static final class StateConverter implements ITypeConverter<State> {
    @Override
    public State convert(String value) {
      try {
        return State.parseQueried(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** Reads {@code started_at}, {@code started}, {@code STARTED-AT}, … */
  static final class TimestampConverter implements ITypeConverter<Timestamp> {
    @Override
    public Timestamp convert(String value) {
      String name = value.strip().toUpperCase(Locale.ROOT).replace('-', '_');
      if (!name.endsWith("_AT")) {
        name += "_AT";
      }
      for (Timestamp t : Timestamp.values()) {
        if (t.name().equals(name) && t != Timestamp.KILL_REQUESTED_AT) {
          return t;
        }
      }
      throw new TypeConversionException(
          "unknown timestamp '"
              + value
              + "': use one of "
              + Arrays.stream(Timestamp.values())
                  .filter(t -> t != Timestamp.KILL_REQUESTED_AT)
                  .map(StatusCommand::name)
                  .collect(Collectors.joining(", ")));
    }
  }
}
