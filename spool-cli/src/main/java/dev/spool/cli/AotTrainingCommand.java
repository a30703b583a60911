package dev.spool.cli;

import dev.spool.JobOptions;
import dev.spool.Spool;
import dev.spool.bench.TrainingJobs;
import dev.spool.bench.TrainingJobs.Count;
import dev.spool.bench.TrainingJobs.Tick;
import dev.spool.testkit.SpoolRedis;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code spool aot-training} (hidden): the training run from which {@code bin/spool} records a JDK
 * 25 AOT cache (JEP 483/514/515) once per build. It does, on a private embedded redis-server, what
 * the commands users start most do — {@code spool worker} running jobs that make a Redis call of
 * their own, bulk and single enqueues, a status read — so that later runs start with those classes
 * loaded and linked (and, where C2 is on, their hot methods already profiled). Its jobs are {@link
 * TrainingJobs}.
 */
@Command(
    name = "aot-training",
    hidden = true,
    description = "The training run of bin/spool's start-up cache (JDK 25+); not for users.")
final class AotTrainingCommand implements Callable<Integer> {
  private static final int BULK_JOBS = 20_000;
  private static final int SINGLE_JOBS = 3_000;
  private static final String NAMESPACE = "aot-training";

  @Override
  public Integer call() throws Exception {
    try (SpoolRedis redis = SpoolRedis.dedicated();
        Spool spool = Spool.builder().redis(redis.uri()).namespace(NAMESPACE).build()) {
      String uri = redis.uri();
      CommandLine cli = quiet(SpoolCommand.commandLine());
      WorkerCommand worker = cli.getSubcommands().get("worker").getCommand();
      worker.builtInHandlers = w -> TrainingJobs.register(w, uri);
      CompletableFuture<Integer> workerExit = new CompletableFuture<>();
      Thread.ofPlatform()
          .name("aot-training-worker")
          .start(
              () ->
                  workerExit.complete(
                      cli.execute(
                          "worker",
                          "--redis",
                          uri,
                          "--namespace",
                          NAMESPACE,
                          "--concurrency",
                          "200")));
      long total = 0;
      for (int from = 0; from < BULK_JOBS; from += 1_000) {
        List<Count> chunk = new ArrayList<>(1_000);
        for (int i = from; i < from + 1_000; i++) {
          chunk.add(new Count(i, "aot-training:count"));
        }
        total += spool.enqueueAll(TrainingJobs.COUNT, chunk).size();
      }
      for (int i = 0; i < SINGLE_JOBS; i++) {
        spool.enqueue(TrainingJobs.TICK, new Tick(i));
        total++;
        if (i % 100 == 0) {
          spool.enqueue(TrainingJobs.COUNT, new Count(i, "aot-training:count"), JobOptions.NONE);
          total++;
        }
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      long done;
      while ((done = spool.monitor().counts("default").completed()) < total
          && System.nanoTime() < deadline) {
        Thread.sleep(50); // a one-off training run, not a test: a short poll is simplest here
      }
      if (done < total) {
        worker.stop();
        throw new CommandFailedException(
            "the training run's worker finished " + done + " of " + total + " jobs in 60s");
      }
      quiet(SpoolCommand.commandLine()).execute("stats", "--redis", uri, "--namespace", NAMESPACE);
      worker.stop();
      return workerExit.get();
    }
  }

  private static CommandLine quiet(CommandLine cli) {
    PrintWriter none = new PrintWriter(Writer.nullWriter());
    return cli.setOut(none).setErr(none);
  }
}
