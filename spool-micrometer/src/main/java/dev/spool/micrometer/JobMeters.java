package dev.spool.micrometer;

import dev.spool.AttemptResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;

/** The counters and timers of one queue and job type, looked up once and kept. */
final class JobMeters {
  final Counter enqueued;
  final Counter started;
  final Counter succeeded;
  final Counter failed;
  final Counter retried;
  final Counter dead;
  final Counter killed;
  final Counter handedBack;
  final Counter abandoned;
  final Counter postponed;
  final Timer wait;
  private final Map<AttemptResult, Timer> execution = new EnumMap<>(AttemptResult.class);

  JobMeters(MeterRegistry registry, String queue, String type) {
    Tags tags = Tags.of("queue", queue, "type", type);
    enqueued = counter(registry, "enqueued", "Jobs accepted by enqueue calls", tags);
    started = counter(registry, "started", "Attempts started", tags);
    succeeded = counter(registry, "succeeded", "Attempts that succeeded", tags);
    failed = counter(registry, "failed", "Attempts that failed (retried or dead)", tags);
    retried = counter(registry, "retried", "Failed attempts with a retry scheduled", tags);
    dead = counter(registry, "dead", "Jobs moved to the dead set", tags);
    killed = counter(registry, "killed", "Attempts ended by a kill request", tags);
    handedBack =
        counter(registry, "handed_back", "Attempts handed back to their queue at shutdown", tags);
    abandoned =
        counter(registry, "abandoned", "Attempts whose node lost the job's lease meanwhile", tags);
    postponed = counter(registry, "postponed", "Attempts whose handler asked to run later", tags);
    wait =
        Timer.builder("spool.jobs.wait")
            .description("From enqueue to the start of a job's first attempt")
            .tags(tags)
            .publishPercentileHistogram()
            .register(registry);
    for (AttemptResult result : AttemptResult.values()) {
      execution.put(
          result,
          Timer.builder("spool.jobs.execution")
              .description("Handler and callbacks of one attempt")
              .tags(tags.and("result", result.name().toLowerCase(java.util.Locale.ROOT)))
              .publishPercentileHistogram()
              .register(registry));
    }
  }

  Timer execution(AttemptResult result) {
    return execution.get(result);
  }

  private static Counter counter(
      MeterRegistry registry, String event, String description, Tags tags) {
    return Counter.builder("spool.jobs." + event)
        .description(description)
        .tags(tags)
        .register(registry);
  }
}
