package dev.spool.cli;

import dev.spool.JobId;
import dev.spool.JobStatus;
import dev.spool.Spool;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that connects to Redis, does one thing and prints its outcome: text for people, or one
 * JSON document with {@code --json}. Subclasses check their options in {@link #validate()} (before
 * connecting, so that bad usage never waits for Redis) and work in {@link #run(Spool)}.
 */
abstract class ClientCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ClientOptions client;

  @Override
  public final Integer call() {
    client.validate(spec);
    validate();
    try (Spool spool = client.connect(spec, this::settings)) {
      int code = run(spool);
      out().flush();
      return code;
    }
  }

  /** Checks the options; throws {@link #usage} for bad ones. Runs before connecting. */
  void validate() {}

  /** Settings of the connection beyond Redis and namespace, for commands that have some. */
  Spool.Builder settings(Spool.Builder builder) {
    return builder;
  }

  /** Does the work; returns the exit code, or throws {@link CommandFailedException}. */
  abstract int run(Spool spool);

  final boolean json() {
    return client.json;
  }

  final PrintWriter out() {
    return spec.commandLine().getOut();
  }

  final PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Bad usage (exit 2), saying why. */
  final ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** Bad usage unless {@code value} of {@code option} is in [{@code min}, {@code max}]. */
  final void requireWithin(String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw usage(option + " must be in [" + min + ", " + max + "], got " + value);
    }
  }

  /** Runs a step that checks its input, turning {@link IllegalArgumentException} into usage. */
  final <T> T checked(String what, Supplier<T> step) {
    try {
      return step.get();
    } catch (IllegalArgumentException e) {
      throw usage(what == null ? e.getMessage() : what + ": " + e.getMessage());
    }
  }

  /** Prints one JSON document. */
  final void printJson(Object document) {
    out().println(JsonOut.write(document));
  }

  /** The status of a job, or the failure "no job 'x'". */
  static JobStatus existing(Spool spool, JobId id) {
    return spool.statuses().find(id).orElseThrow(() -> noJob(id));
  }

  static CommandFailedException noJob(JobId id) {
    return new CommandFailedException("no job '" + id + "'");
  }

  /**
   * Fails (exit code 1) for a queue the namespace has never had: one no job was enqueued to and no
   * worker served ({@link dev.spool.Monitor#queues()}), most likely a typo, which would otherwise
   * read as an empty queue. The rule of {@code spool queue pause}, {@code dead} and {@code query}.
   */
  static void requireKnownQueue(Spool spool, String queue) {
    List<String> known = spool.monitor().queues();
    if (!known.contains(queue)) {
      throw new CommandFailedException(
          "no queue '"
              + queue
              + "' in namespace '"
              + spool.namespace()
              + "' ("
              + (known.isEmpty() ? "it has none yet" : "its queues: " + String.join(", ", known))
              + "); a queue is known once a job was enqueued to it or a worker served it");
    }
  }
}
