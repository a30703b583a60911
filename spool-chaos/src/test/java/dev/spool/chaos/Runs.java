package dev.spool.chaos;

import dev.spool.JobId;
import dev.spool.chaos.RunLog.Entry;
import dev.spool.chaos.RunLog.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import java.util.stream.Stream;

/**
 * Every run of every job, read back from the worker processes' {@link RunLog}s: the experiments'
 * own count, independent of what Spool recorded.
 */
final class Runs {
  /**
   * One run of a handler.
   *
   * @param endMillis when it ended, or -1 if its process died first (or it still runs)
   * @param outcome how it ended, or null if it did not
   */
  record Run(
      String type,
      JobId job,
      int attempt,
      long pid,
      long startMillis,
      long endMillis,
      Event outcome) {
    boolean ended() {
      return outcome == Event.ENDED;
    }

    @Override
    public String toString() {
      return "attempt "
          + attempt
          + " on pid "
          + pid
          + " from "
          + startMillis
          + (outcome == null ? " (never ended)" : " to " + endMillis + " " + outcome);
    }
  }

  /** Two runs of one job in different processes at the same time. */
  record Overlap(JobId job, Run first, Run second, long millis) {
    @Override
    public String toString() {
      return job + " ran " + Experiment.seconds(millis) + " at once: " + first + " | " + second;
    }
  }

  private final Map<JobId, List<Run>> byJob;

  private Runs(Map<JobId, List<Run>> byJob) {
    this.byJob = byJob;
  }

  /** Reads every run log in {@code dir}. */
  static Runs read(Path dir) {
    Map<JobId, List<Run>> byJob = new LinkedHashMap<>();
    if (!Files.isDirectory(dir)) {
      return new Runs(byJob);
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(RunLog::isRunLog).sorted().toList()) {
        for (Run run : runsIn(file)) {
          byJob.computeIfAbsent(run.job(), k -> new ArrayList<>()).add(run);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the run logs in " + dir, e);
    }
    byJob.values().forEach(runs -> runs.sort(Comparator.comparingLong(Run::startMillis)));
    return new Runs(byJob);
  }

  /** One process's runs: each start paired with the end of the same job and attempt. */
  private static List<Run> runsIn(Path file) throws IOException {
    List<Run> runs = new ArrayList<>();
    Map<String, Deque<Entry>> open = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) {
        continue;
      }
      Entry e;
      try {
        e = Entry.parse(line);
      } catch (IllegalArgumentException torn) {
        continue; // a line cut short by kill -9
      }
      String key = e.job() + "#" + e.attempt();
      if (e.event() == Event.STARTED) {
        open.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(e);
      } else {
        Deque<Entry> started = open.get(key);
        Entry s = started == null ? null : started.pollFirst();
        if (s != null) {
          runs.add(
              new Run(
                  s.type(), s.job(), s.attempt(), s.pid(), s.atMillis(), e.atMillis(), e.event()));
        }
      }
    }
    for (Deque<Entry> started : open.values()) {
      for (Entry s : started) {
        runs.add(new Run(s.type(), s.job(), s.attempt(), s.pid(), s.atMillis(), -1, null));
      }
    }
    return runs;
  }

  /** The runs of one job, by start time. */
  List<Run> of(JobId job) {
    return byJob.getOrDefault(job, List.of());
  }

  /** Every job that ran, with its runs. */
  Map<JobId, List<Run>> byJob() {
    return byJob;
  }

  /** Runs of jobs of this type. */
  List<Run> ofType(String type) {
    return byJob.values().stream()
        .flatMap(List::stream)
        .filter(r -> r.type().equals(type))
        .toList();
  }

  /** Whether a handler of the job returned normally at least once. */
  boolean ended(JobId job) {
    return of(job).stream().anyMatch(Run::ended);
  }

  /** Jobs whose handler started more than once. */
  List<JobId> startedMoreThanOnce() {
    return byJob.entrySet().stream()
        .filter(e -> e.getValue().size() > 1)
        .map(Map.Entry::getKey)
        .toList();
  }

  /** The first start of the job at or after {@code millis}, or -1. */
  long firstStartAfter(JobId job, long millis) {
    return of(job).stream().mapToLong(Run::startMillis).filter(t -> t >= millis).min().orElse(-1);
  }

  /**
   * Runs of one job in two processes at the same time. A run that never ended counts until {@code
   * endOf} its process (its death, or now while it runs).
   */
  List<Overlap> overlaps(LongUnaryOperator endOfPid) {
    List<Overlap> out = new ArrayList<>();
    for (Map.Entry<JobId, List<Run>> e : byJob.entrySet()) {
      List<Run> runs = e.getValue();
      for (int i = 0; i < runs.size(); i++) {
        for (int j = i + 1; j < runs.size(); j++) {
          Run a = runs.get(i);
          Run b = runs.get(j);
          if (a.pid() == b.pid()) {
            continue;
          }
          long aEnd = a.endMillis() >= 0 ? a.endMillis() : endOfPid.applyAsLong(a.pid());
          long bEnd = b.endMillis() >= 0 ? b.endMillis() : endOfPid.applyAsLong(b.pid());
          long overlap = Math.min(aEnd, bEnd) - Math.max(a.startMillis(), b.startMillis());
          if (overlap > 0) {
            out.add(new Overlap(e.getKey(), a, b, overlap));
          }
        }
      }
    }
    return out;
  }

  /** How many runs in all. */
  int count() {
    return byJob.values().stream().mapToInt(List::size).sum();
  }
}
