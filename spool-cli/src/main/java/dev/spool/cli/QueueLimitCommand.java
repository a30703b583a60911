package dev.spool.cli;

import dev.spool.ConcurrencyLimit;
import dev.spool.QueueControl;
import dev.spool.Spool;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code spool queue limit NAME}: a queue's own concurrency and rate limits. */
@Command(
    name = "limit",
    mixinStandardHelpOptions = true,
    description = {
      "Sets or removes a queue's concurrency and rate limits, for every job of the queue on every"
          + " node (stored in Redis). Limits of job types are set in code (JobType)."
    })
public final class QueueLimitCommand extends QueueNamedCommand {
  @Option(
      names = "--concurrency",
      paramLabel = "N",
      description = "At most N of the queue's jobs run at once (1 to 10000).")
  Integer concurrency;

  @Option(
      names = "--rate",
      paramLabel = "N/TIME",
      description = "At most N of the queue's jobs start per window of TIME, e.g. 600/1m.")
  String rate;

  @Option(names = "--remove", description = "Removes the queue's limits.")
  boolean remove;

  private int rateMax;
  private Duration ratePer;

  @Override
  void validate() {
    super.validate();
    if (remove && (concurrency != null || rate != null)) {
      throw usage("--remove goes alone, without --concurrency or --rate");
    }
    if (!remove && concurrency == null && rate == null) {
      throw usage("give --concurrency N, --rate N/TIME, or --remove");
    }
    if (concurrency != null) {
      requireWithin("--concurrency", concurrency, 1, ConcurrencyLimit.MAX);
    }
    if (rate != null) {
      int slash = rate.indexOf('/');
      try {
        rateMax = Integer.parseInt(rate.substring(0, Math.max(0, slash)));
        ratePer = DurationConverter.parse(rate.substring(slash + 1));
      } catch (RuntimeException e) {
        throw usage("--rate must be N/TIME, such as 600/1m or 10/1s, got '" + rate + "'");
      }
      if (rateMax < 1 || rateMax > 100_000 || ratePer.toMillis() < 1) {
        throw usage("--rate: N must be 1 to 100000 and TIME at least 1ms, got '" + rate + "'");
      }
    }
  }

  @Override
  int runOn(Spool spool) {
    QueueControl control = spool.queue(queue);
    if (remove) {
      control.removeLimits();
    }
    if (concurrency != null) {
      control.limitConcurrency(concurrency);
    }
    if (rate != null) {
      control.limitRate(rateMax, ratePer);
    }
    QueueStatusCommand.print(this, control);
    return 0;
  }
}
