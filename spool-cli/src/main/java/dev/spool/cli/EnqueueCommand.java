package dev.spool.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.spool.EnqueueResult;
import dev.spool.JobOptions;
import dev.spool.JobType;
import dev.spool.PayloadTooLargeException;
import dev.spool.Retry;
import dev.spool.Spool;
import dev.spool.Unique;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spool enqueue TYPE --args JSON}: enqueues one job with raw JSON arguments. */
@Command(
    name = "enqueue",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Enqueues a job of type TYPE with JSON arguments, as Spool.enqueue does.",
      "Prints the new job's id, or, when a unique lock rejects the job, the job that holds the"
          + " lock (exit code 0 either way; --json says \"accepted\": false)."
    })
public final class EnqueueCommand extends ClientCommand {
  /**
   * The most text of arguments read from a file or stdin: the payload limit, with room for the
   * spaces and line breaks of pretty-printed JSON that the stored arguments leave out.
   */
  static final int MAX_ARGS_TEXT_BYTES = 8 * Spool.Builder.DEFAULT_MAX_PAYLOAD_BYTES;

  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          // {"a":1,"a":2} would be stored as {"a":2}: a key given twice is refused.
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          // Numbers are kept as written: a double would turn 1e999 into "Infinity" and cut
          // digits the handler's own type (a BigDecimal, say) could hold.
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  @Parameters(
      index = "0",
      paramLabel = "TYPE",
      description = "The job type's name, as the worker's handlers know it (e.g. send-email).")
  String type;

  @ArgGroup(exclusive = true)
  ArgsSource argsSource;

  /** At most one of --args and --args-file. */
  static final class ArgsSource {
    @Option(
        names = "--args",
        paramLabel = "JSON",
        description = "The job's arguments as JSON, or - to read them from stdin (default: {}).")
    String json;

    @Option(
        names = "--args-file",
        paramLabel = "FILE",
        description =
            "Read the job's arguments as JSON from FILE (for arguments too big for a"
                + " command line).")
    Path file;
  }

  /** Standard input, for {@code --args -}. For tests. */
  InputStream stdin = System.in;

  @Option(
      names = "--max-payload-bytes",
      paramLabel = "N",
      description =
          "Refuse arguments over N bytes of JSON, as Spool.Builder.maxPayloadBytes does in"
              + " applications (default: "
              + Spool.Builder.DEFAULT_MAX_PAYLOAD_BYTES
              + ", 512 KiB).")
  Integer maxPayloadBytes;

  @Option(
      names = "--queue",
      paramLabel = "Q",
      description = "The queue (default: " + dev.spool.Queues.DEFAULT + ").")
  String queue;

  @ArgGroup(exclusive = true)
  When when;

  /** At most one of --delay and --at. */
  static final class When {
    @Option(
        names = "--delay",
        paramLabel = "TIME",
        converter = DurationConverter.class,
        description = "Run it this long from now, e.g. 10s, 5m.")
    Duration delay;

    @Option(
        names = "--at",
        paramLabel = "INSTANT",
        converter = Times.InstantConverter.class,
        description = "Run it at this ISO-8601 instant, e.g. 2026-05-01T12:00:00Z.")
    Instant at;
  }

  @Option(
      names = "--priority",
      paramLabel = "P",
      description =
          "Higher runs first within the queue, from "
              + JobOptions.MIN_PRIORITY
              + " to "
              + JobOptions.MAX_PRIORITY
              + " (default: 0).")
  String priority; // read here, so that any number out of the range is told the range

  @Option(
      names = "--unique",
      paramLabel = "LOCK",
      description =
          "Make the job unique by type and arguments: until-executing, while-executing or"
              + " until-executed. A job that meets a held lock is rejected.")
  String unique;

  @Option(
      names = "--attempts",
      paramLabel = "N",
      description =
          "Runs in all before the job is dead, the first included (default: 8, with exponential"
              + " backoff from 1s).")
  Integer attempts;

  @Option(
      names = "--no-retry-for",
      paramLabel = "CLASS",
      description =
          "An exception class (binary name, e.g. java.lang.IllegalArgumentException) whose"
              + " failures are final: the job is dead at once, subclasses included. Repeatable.")
  List<String> noRetryFor;

  @Option(
      names = "--timeout",
      paramLabel = "TIME",
      converter = DurationConverter.class,
      description = "Fail an attempt that runs longer than this, e.g. 5m.")
  Duration timeout;

  @Option(
      names = "--node",
      paramLabel = "NODE",
      description =
          "Run the job on this worker node; if it is not alive, or stays saturated, another node"
              + " may take it (unless --strict).")
  String node;

  @Option(
      names = "--strict",
      description =
          "With --node: only that node runs the job; it waits, safely, until the node is up.")
  boolean strict;

  @Option(
      names = "--not-node",
      paramLabel = "NODE",
      description =
          "Never run the job on this worker node; with --node, not when another node takes it"
              + " either.")
  String notNode;

  private JobType<JsonNode> jobType;
  private JsonNode jobArgs;
  private JobOptions options;

  @Override
  void validate() {
    if (maxPayloadBytes != null && maxPayloadBytes < 1) {
      throw usage("--max-payload-bytes must be at least 1, got " + maxPayloadBytes);
    }
    jobType = checked(null, () -> JobType.of(type, JsonNode.class));
    jobArgs = parseArgs(readArgs());
    JobOptions.Builder b = JobOptions.builder();
    if (queue != null) {
      checked("--queue", () -> b.queue(queue));
    }
    if (when != null && when.delay != null) {
      b.delay(when.delay);
    }
    if (when != null && when.at != null) {
      b.runAt(when.at);
    }
    if (priority != null) {
      BigInteger p;
      try {
        p = new BigInteger(priority.strip());
      } catch (NumberFormatException e) {
        throw usage(
            "--priority: '%s' is not a whole number from %d to %d"
                .formatted(priority, JobOptions.MIN_PRIORITY, JobOptions.MAX_PRIORITY));
      }
      if (p.bitLength() >= Integer.SIZE) {
        // picocli said "is not an int": the allowed range is what helps.
        throw usage(
            "--priority: priority must be in [%d, %d], got %s"
                .formatted(JobOptions.MIN_PRIORITY, JobOptions.MAX_PRIORITY, p));
      }
      checked("--priority", () -> b.priority(p.intValue()));
    }
    if (unique != null) {
      b.unique(uniqueOf(unique));
    }
    if (attempts != null || noRetryFor != null) {
      Retry d = Retry.DEFAULT;
      int runs = attempts != null ? attempts : d.attempts();
      List<String> finalFor = noRetryFor != null ? noRetryFor : List.of();
      for (String name : finalFor) {
        if (!name.matches("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*")) {
          throw usage(
              "--no-retry-for: '" + name + "' is not a class name, e.g. java.io.IOException");
        }
        Class<?> jdkClass = jdkClass(name);
        if (jdkClass != null && !Throwable.class.isAssignableFrom(jdkClass)) {
          throw usage(
              "--no-retry-for: "
                  + name
                  + " is not an exception class (not a Throwable): no failure is one of it");
        }
      }
      checked(
          attempts != null ? "--attempts" : "--no-retry-for",
          () -> b.retry(new Retry(runs, d.firstDelay(), d.multiplier(), d.jitter(), finalFor)));
    }
    if (timeout != null) {
      b.timeout(timeout);
    }
    if (node != null && node.equals(notNode)) {
      throw usage("--node and --not-node name the same node '" + node + "'");
    }
    if (strict && node == null) {
      throw usage("--strict goes with --node NODE: the node the job must run on");
    }
    if (node != null) {
      checked("--node", () -> b.node(node).strictNode(strict));
    }
    if (notNode != null) {
      checked("--not-node", () -> b.notNode(notNode));
    }
    options = b.build();
  }

  @Override
  Spool.Builder settings(Spool.Builder builder) {
    return builder.maxPayloadBytes(payloadLimit());
  }

  private int payloadLimit() {
    return maxPayloadBytes != null ? maxPayloadBytes : Spool.Builder.DEFAULT_MAX_PAYLOAD_BYTES;
  }

  /** Bad usage: arguments over the payload limit, with the option that raises it. */
  private RuntimeException tooLarge(String size) {
    return usage(
        argsName()
            + ": the arguments are "
            + size
            + " bytes of JSON, over the limit of "
            + payloadLimit()
            + " bytes per job; --max-payload-bytes raises it");
  }

  /** The JSON text of the arguments, from the option, stdin or a file. */
  private String readArgs() {
    if (argsSource == null) {
      return "{}";
    }
    try {
      if (argsSource.file != null) {
        try (InputStream in = Files.newInputStream(argsSource.file)) {
          return readBounded(in);
        }
      }
      if ("-".equals(argsSource.json)) {
        return readBounded(stdin);
      }
    } catch (NoSuchFileException e) {
      throw usage("--args-file: no such file: " + argsSource.file);
    } catch (IOException e) {
      String from = argsSource.file != null ? "--args-file " + argsSource.file : "stdin";
      throw usage("cannot read the arguments from " + from + ": " + e.getMessage());
    }
    return argsSource.json;
  }

  /**
   * Reads at most {@link #MAX_ARGS_TEXT_BYTES} (8 times the payload limit, if raised): more could
   * never make arguments under the limit, and reading it all would only fill the heap. A UTF-8 byte
   * order mark is dropped.
   */
  private String readBounded(InputStream in) throws IOException {
    int bound =
        (int) Math.min(Math.max(MAX_ARGS_TEXT_BYTES, 8L * payloadLimit()), Integer.MAX_VALUE - 16);
    byte[] bytes = in.readNBytes(bound + 1);
    if (bytes.length > bound) {
      throw tooLarge("over " + bound);
    }
    int from =
        bytes.length >= 3
                && (bytes[0] & 0xff) == 0xEF
                && (bytes[1] & 0xff) == 0xBB
                && (bytes[2] & 0xff) == 0xBF
            ? 3
            : 0;
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(java.nio.ByteBuffer.wrap(bytes, from, bytes.length - from))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw usage(argsName() + " is not UTF-8 text: JSON arguments must be");
    }
  }

  private JsonNode parseArgs(String json) {
    try {
      JsonNode node = STRICT.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw usage("--args is empty: give JSON, e.g. '{\"to\":\"a@b.c\"}'");
      }
      String unpaired = unpairedSurrogate(node, "");
      if (unpaired != null) {
        // Stored as UTF-8, a lone surrogate (an escaped D800, say) would become "?".
        throw usage(
            argsName()
                + " is not valid Unicode: "
                + unpaired
                + " holds a lone surrogate (\\uD800 to \\uDFFF not in a pair)");
      }
      return node;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where =
          at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
      if (e instanceof MismatchedInputException
          && e.getOriginalMessage().startsWith("Trailing token")) {
        // Jackson: "… (bound as com.fasterxml.jackson.databind.JsonNode): not allowed as per
        // DeserializationFeature.FAIL_ON_TRAILING_TOKENS".
        throw usage(
            argsName()
                + " is not one JSON value: trailing data after it"
                + where
                + "; give one value, e.g. an array [{…},{…}]");
      }
      String original = e.getOriginalMessage();
      if (e instanceof StreamReadException && original.startsWith("Duplicate field '")) {
        // Jackson: "Duplicate field 'a'", from STRICT_DUPLICATE_DETECTION.
        String key = original.substring("Duplicate field ".length());
        throw usage(
            argsName()
                + " has a duplicate key "
                + key
                + where
                + ": give each key of an object once");
      }
      String message = readable(original.lines().findFirst().orElse("").strip());
      throw usage(argsName() + " is not valid JSON: " + message + where);
    }
  }

  /**
   * Where a string or key of this JSON holds a UTF-16 surrogate that is not in a pair ("a key at
   * /a", "the value at /a/0", as JSON pointers); null if none does.
   */
  private static String unpairedSurrogate(JsonNode node, String pointer) {
    if (node.isTextual()) {
      return isWellFormed(node.textValue())
          ? null
          : pointer.isEmpty() ? "the string" : "the value at " + pointer;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String found = unpairedSurrogate(node.get(i), pointer + "/" + i);
        if (found != null) {
          return found;
        }
      }
    } else if (node.isObject()) {
      for (var field : node.properties()) {
        if (!isWellFormed(field.getKey())) {
          return "a key" + (pointer.isEmpty() ? "" : " at " + pointer);
        }
        String key = field.getKey().replace("~", "~0").replace("/", "~1");
        String found = unpairedSurrogate(field.getValue(), pointer + "/" + key);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  /** Whether every surrogate of this text is in a high-low pair, as UTF-8 can encode it. */
  private static boolean isWellFormed(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The JDK's class of this name, null if the JDK has none. Only the JDK's classes are checked:
   * they are the same on every node, while the other names are matched by name on the worker, whose
   * classes this process may not have. Not initialized: nothing of it runs.
   */
  private static Class<?> jdkClass(String name) {
    try {
      return Class.forName(name, false, ClassLoader.getPlatformClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }

  /** The size of the arguments as Spool stores them: JSON without blanks, in UTF-8. */
  private static int jsonBytes(JsonNode args) {
    try {
      return STRICT.writeValueAsBytes(args).length;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e); // a tree read from JSON writes back
    }
  }

  /** Where the arguments came from, as the user gave it. */
  private String argsName() {
    if (argsSource == null) {
      return "--args";
    }
    if (argsSource.file != null) {
      return "--args-file " + argsSource.file;
    }
    return "-".equals(argsSource.json) ? "--args - (stdin)" : "--args";
  }

  /**
   * Jackson's message without its source reference: "expected close marker for Object (start marker
   * at [Source: REDACTED …; line: 1, column: 1])" becomes "… (opened at line 1, column 1)".
   */
  static String readable(String message) {
    return message
        .replace("(start marker at [", "(opened at [")
        .replaceAll("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]", "line $1, column $2")
        .replaceAll("\\s*\\[Source: [^\\]]*\\]", "");
  }

  private Unique<Object> uniqueOf(String lock) {
    return switch (lock.strip().toLowerCase(Locale.ROOT).replace('_', '-')) {
      case "until-executing" -> Unique.untilExecuting();
      case "while-executing" -> Unique.whileExecuting();
      case "until-executed" -> Unique.untilExecuted();
      default ->
          throw usage(
              "--unique: unknown lock '"
                  + lock
                  + "': use until-executing, while-executing or until-executed");
    };
  }

  @Override
  int run(Spool spool) {
    EnqueueResult r;
    try {
      r = spool.tryEnqueue(jobType, jobArgs, options);
    } catch (PayloadTooLargeException e) {
      throw tooLarge(Integer.toString(jsonBytes(jobArgs)));
    }
    String id = r.jobId().toString();
    if (json()) {
      printJson(
          JsonOut.object(
              "id", id,
              "accepted", r.accepted(),
              "holder", r.holder().map(Object::toString).orElse(null)));
    } else if (r.accepted()) {
      out().println(id);
    } else {
      out()
          .println(
              "not enqueued: job " + id + " holds the unique lock of " + jobType.name() + " jobs");
    }
    return 0;
  }
}
