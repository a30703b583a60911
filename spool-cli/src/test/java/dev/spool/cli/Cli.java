package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import picocli.CommandLine;

/** Runs {@code spool} commands in this JVM against one Redis and namespace, capturing output. */
final class Cli {
  private final String uri;
  private final String namespace;

  Cli(String uri, String namespace) {
    this.uri = uri;
    this.namespace = namespace;
  }

  /** What a command did: its exit code, stdout and stderr. */
  static final class Run {
    final int code;
    final String out;
    final String err;

    Run(int code, String out, String err) {
      this.code = code;
      this.out = out;
      this.err = err;
    }

    /** stdout as the one JSON document it must be. */
    JsonNode json() {
      try {
        return new ObjectMapper().readTree(out);
      } catch (IOException e) {
        throw new UncheckedIOException("not one JSON document: " + out, e);
      }
    }

    /** Asserts exit code 0, showing stderr otherwise; returns this. */
    Run ok() {
      assertThat(code).as("exit code; stderr:%n%s", err).isZero();
      return this;
    }
  }

  /** {@code spool ARGS --redis URI --namespace NS}. */
  Run run(String... args) {
    return raw(withConnection(args));
  }

  /** As {@link #run}, after {@code setUp} has set the parsed command line's commands up. */
  Run runWith(Consumer<CommandLine> setUp, String... args) {
    return raw(setUp, withConnection(args));
  }

  String[] withConnection(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.addAll(List.of("--redis", uri, "--namespace", namespace));
    return all.toArray(String[]::new);
  }

  /** {@code spool enqueue ARGS --redis URI --namespace NS} with this text on stdin. */
  Run enqueueWithInput(String input, String... args) {
    List<String> all = new ArrayList<>(List.of("enqueue"));
    all.addAll(Arrays.asList(args));
    return raw(
        cli -> {
          EnqueueCommand enqueue = cli.getSubcommands().get("enqueue").getCommand();
          enqueue.stdin = new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
        },
        withConnection(all.toArray(String[]::new)));
  }

  /** {@code spool ARGS}, exactly. */
  static Run raw(String... args) {
    return raw(cli -> {}, args);
  }

  private static Run raw(Consumer<CommandLine> setUp, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SpoolCommand.commandLine();
    setUp.accept(cli);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** {@code spool worker ARGS --redis URI --namespace NS} running on a thread of its own. */
  Background worker(String... args) {
    return worker(null, args);
  }

  /** As {@link #worker(String...)}, looking for handlers with this class loader. */
  Background worker(ClassLoader handlerLoader, String... args) {
    return worker(handlerLoader, null, args);
  }

  /** As {@link #worker(String...)}, with this {@code SPOOL_CLASSPATH}. */
  Background workerWithClassPath(String handlerClassPath, String... args) {
    return worker(null, handlerClassPath, args);
  }

  private Background worker(ClassLoader handlerLoader, String handlerClassPath, String[] args) {
    List<String> all = new ArrayList<>(List.of("worker"));
    all.addAll(Arrays.asList(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = SpoolCommand.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    WorkerCommand command = cli.getSubcommands().get("worker").getCommand();
    command.handlerLoader = handlerLoader;
    command.handlerClassPath = handlerClassPath;
    String[] argv = withConnection(all.toArray(String[]::new));
    CompletableFuture<Integer> code = new CompletableFuture<>();
    Thread thread =
        Thread.ofPlatform()
            .name("spool-worker-command")
            .start(
                () -> {
                  try {
                    code.complete(cli.execute(argv));
                  } catch (Throwable t) {
                    code.completeExceptionally(t);
                  }
                });
    return new Background(command, thread, code, out, err);
  }

  /** A command running on its own thread. */
  record Background(
      WorkerCommand command,
      Thread thread,
      CompletableFuture<Integer> code,
      StringWriter out,
      StringWriter err) {
    /** Stops the worker as Ctrl-C would and waits for the command to end. */
    Run stop() throws Exception {
      command.stop();
      return await();
    }

    /** Waits for the command to end by itself. */
    Run await() throws Exception {
      int exit = code.get(60, TimeUnit.SECONDS);
      thread.join();
      return new Run(exit, out.toString(), err.toString());
    }
  }
}
