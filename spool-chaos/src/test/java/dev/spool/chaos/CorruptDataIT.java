package dev.spool.chaos;

import dev.spool.DeadJob;
import dev.spool.JobId;
import dev.spool.JobOptions;
import dev.spool.Retry;
import dev.spool.chaos.ChaosJobs.Work;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Garbage in Spool's keys, written behind its back between good jobs: a corrupt field in a job
 * hash, a job key of the wrong type, an unknown id in the ready list, invalid JSON in stored
 * fields. Each bad job ends in the dead set with a message, the node keeps running, and every other
 * job runs once.
 *
 * <p>The corruptions follow the key layout of docs/architecture.md; each checks first that the
 * layout is still as documented, so a change there fails here with a message, not silently.
 */
class CorruptDataIT {
  private static final Duration LEASE = Duration.ofSeconds(5);
  private static final int GOOD_BETWEEN = 5;
  private static final long UNKNOWN_NUMBER = 9_000_000;

  /** One way to corrupt a queued job: (commands, job key) -> writes the garbage. */
  private record Corruption(String what, boolean failing, BiConsumer<Redis, String> apply) {}

  /** The commands and key names a corruption needs. */
  private record Redis(RedisCommands<String, String> commands, String namespace) {
    void setField(String jobKey, String field, String value, boolean mustExist) {
      if (!"hash".equals(commands.type(jobKey)) || !commands.hexists(jobKey, "a")) {
        throw new IllegalStateException(
            jobKey + " is no job hash with an 'a' field: docs/architecture.md's layout changed");
      }
      if (mustExist && !commands.hexists(jobKey, field)) {
        throw new IllegalStateException(
            jobKey + " has no field '" + field + "': docs/architecture.md's layout changed");
      }
      commands.hset(jobKey, field, value);
    }

    String readyList() {
      return namespace + ":{" + ChaosJobs.QUEUE + "}:ready";
    }
  }

  private static final List<Corruption> CORRUPTIONS =
      List.of(
          new Corruption("attempt is not a number", false, (r, k) -> r.setField(k, "n", "x", true)),
          new Corruption(
              "enqueue time is not a number",
              false,
              (r, k) -> r.setField(k, "rec", "yesterday", true)),
          new Corruption(
              "unique lock field does not parse",
              false,
              (r, k) -> r.setField(k, "u", "garbage", false)),
          new Corruption(
              "arguments are not JSON", false, (r, k) -> r.setField(k, "a", "{not json", true)),
          new Corruption(
              "options are not JSON", false, (r, k) -> r.setField(k, "o", "{\"retry\":", false)),
          new Corruption(
              "stored errors are not JSON (the job fails)",
              true,
              (r, k) -> r.setField(k, "er", "[oops", false)),
          new Corruption(
              "job key holds a string, not a hash",
              false,
              (r, k) -> {
                r.commands().del(k);
                r.commands().set(k, "garbage");
              }));

  @Test
  void eachBadJobDiesWithAMessageAndHarmsNoOther() {
    try (Experiment x = Experiment.start(6, "corrupt", "garbage in Spool's keys")) {
      Redis redis = new Redis(x.redis.commands(), x.namespace);
      List<JobId> good = new ArrayList<>();
      Map<JobId, String> bad = new LinkedHashMap<>();
      for (Corruption c : CORRUPTIONS) {
        good.addAll(goodJobs(x));
        JobId id =
            c.failing()
                ? x.spool.enqueue(
                    ChaosJobs.WORK,
                    new Work(10, true),
                    JobOptions.builder().retry(Retry.none()).build())
                : x.spool.enqueue(ChaosJobs.WORK, Work.of(10));
        c.apply().accept(redis, jobKey(x, id));
        bad.put(id, c.what());
      }
      good.addAll(goodJobs(x));
      JobId unknown = new JobId(ChaosJobs.QUEUE, UNKNOWN_NUMBER);
      x.redis.commands().rpush(redis.readyList(), Long.toString(UNKNOWN_NUMBER));
      bad.put(unknown, "unknown id in the ready list");
      good.addAll(goodJobs(x));

      WorkerProcess node =
          x.workers.start("node", "--concurrency", "4", "--lease", LEASE.toSeconds() + "s");
      x.await(
          "every good job succeeds and every bad one is dead",
          Duration.ofSeconds(30),
          () ->
              x.spool.statuses().all().ids(good).where("succeeded").count() == good.size()
                  && dead(x).keySet().containsAll(bad.keySet()));
      List<JobId> late = goodJobs(x);
      good.addAll(late);
      x.await(
          "the node still runs jobs enqueued afterwards",
          Duration.ofSeconds(30),
          () -> late.stream().allMatch(id -> x.runs().ended(id)));

      Runs runs = x.runs();
      Map<JobId, DeadJob> dead;
      try {
        dead = dead(x);
      } catch (RuntimeException e) {
        x.checks.check(false, "the dead set can be listed", e::toString);
        dead = Map.of();
      }
      Map<JobId, DeadJob> deadSet = dead;
      List<String> notDead = new ArrayList<>();
      bad.forEach(
          (id, what) -> {
            DeadJob d = deadSet.get(id);
            if (d == null || d.error() == null || d.error().isBlank()) {
              notDead.add(
                  what + ": " + (d == null ? x.describe(id) : id + " dead without a message"));
            }
          });
      List<JobId> lost = x.lost(good, runs);
      List<JobId> twice = good.stream().filter(id -> runs.of(id).size() > 1).toList();
      List<JobId> goodDead = good.stream().filter(deadSet::containsKey).toList();

      x.checks.check(
          notDead.isEmpty(),
          "each bad job ends in the dead set with a message",
          () -> String.join("\n", notDead));
      x.checks.check(
          lost.isEmpty() && goodDead.isEmpty(),
          "every good job succeeds (none lost, none dead)",
          () -> "lost " + lost + ", dead " + goodDead);
      x.checks.check(
          twice.isEmpty(), "every good job runs once", () -> twice.size() + ": " + twice);
      x.checks.check(
          node.isAlive() && x.workers.exitedByThemselves().isEmpty(),
          "the node keeps running",
          () -> node.toString());

      x.report(
          good.size() + bad.size(),
          lost.size(),
          twice.size(),
          "-",
          Experiment.seconds(LEASE.toMillis()),
          (bad.size() - notDead.size())
              + " of "
              + bad.size()
              + " bad jobs dead with a message; "
              + good.size()
              + " good jobs around them");
      List<JobId> shown = new ArrayList<>(bad.keySet());
      shown.addAll(lost);
      shown.addAll(twice);
      x.checks.assertAll(
          () ->
              "dead set: "
                  + deadSet.values().stream()
                      .map(DeadJob::toString)
                      .collect(Collectors.joining("\n"))
                  + "\n"
                  + x.diagnostics(shown, runs));
    }
  }

  private static List<JobId> goodJobs(Experiment x) {
    List<Work> work = new ArrayList<>();
    for (int i = 0; i < GOOD_BETWEEN; i++) {
      work.add(Work.of(20));
    }
    return x.spool.enqueueAll(ChaosJobs.WORK, work);
  }

  private static Map<JobId, DeadJob> dead(Experiment x) {
    return x.spool.deadJobs().list(ChaosJobs.QUEUE, 0, 1000).stream()
        .collect(Collectors.toMap(DeadJob::id, d -> d, (d1, d2) -> d1));
  }

  private static String jobKey(Experiment x, JobId id) {
    return x.namespace + ":{" + id.queue() + "}:job:" + id.number();
  }
}
