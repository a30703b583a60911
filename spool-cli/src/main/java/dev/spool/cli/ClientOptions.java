package dev.spool.cli;

import dev.spool.Spool;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The options every command that talks to Redis shares: {@code --redis}, {@code --namespace},
 * {@code --json} and {@code --verbose}.
 */
public final class ClientOptions {
  /** The Redis used when neither {@code --redis} nor {@code $SPOOL_REDIS} names one. */
  public static final String DEFAULT_REDIS = "redis://127.0.0.1:6379";

  /** The environment variable that holds the Redis URI when {@code --redis} is not given. */
  static final String REDIS_VARIABLE = "SPOOL_REDIS";

  /** The environment variable that holds the namespace when {@code --namespace} is not given. */
  static final String NAMESPACE_VARIABLE = "SPOOL_NAMESPACE";

  @Option(
      names = "--redis",
      paramLabel = "URI",
      order = 100,
      defaultValue = "${env:" + REDIS_VARIABLE + ":-" + DEFAULT_REDIS + "}",
      description =
          "Redis to use, redis://[:password@]host:port[/db], rediss://...,"
              + " redis-sentinel://[:password@]h1:p1,h2:p2[/db]#master or a Redis Cluster,"
              + " redis://[:password@]h1:p1,h2:p2 (default: $SPOOL_REDIS,"
              + " else "
              + DEFAULT_REDIS
              + ").")
  String redis;

  @Option(
      names = "--namespace",
      paramLabel = "NAME",
      order = 101,
      defaultValue = "${env:" + NAMESPACE_VARIABLE + ":-" + Spool.Builder.DEFAULT_NAMESPACE + "}",
      description =
          "Prefix of Spool's Redis keys (default: $SPOOL_NAMESPACE, else "
              + Spool.Builder.DEFAULT_NAMESPACE
              + ").")
  String namespace;

  @Option(
      names = "--sharded-queue",
      paramLabel = "QUEUE=N",
      order = 105,
      description =
          "A queue spread over N shards, as the applications declare it"
              + " (Spool.Builder.shardedQueue); repeatable.")
  List<String> shardedQueueSpecs = new ArrayList<>();

  /** The --sharded-queue values, parsed by {@link #validate}: queue name to shard count. */
  final Map<String, Integer> shardedQueues = new LinkedHashMap<>();

  @Option(
      names = "--json",
      order = 102,
      description = "Print one JSON document instead of text for people (stable field names).")
  boolean json;

  @Mixin Verbosity verbosity;

  /** The Redis URI without its password, for messages. */
  String redisDisplay() {
    return Redaction.redact(redis);
  }

  /** Checks the options that need no Redis; call before connecting. */
  void validate(CommandSpec spec) {
    // A value read from a file or a secret often ends with a newline; a URI never holds one.
    redis = redis.strip();
    // An empty variable (SPOOL_REDIS= in a shell or an env file) is one that is not set.
    if (redis.isEmpty() && !given(spec, "--redis")) {
      redis = DEFAULT_REDIS;
    }
    if (namespace.isEmpty() && !given(spec, "--namespace")) {
      namespace = Spool.Builder.DEFAULT_NAMESPACE;
    }
    Redaction.remember(redis);
    String problem = RedisConnect.problem(redis);
    if (problem != null) {
      throw new ParameterException(spec.commandLine(), redisOrigin(spec) + ": " + problem);
    }
    try {
      Spool.builder().namespace(namespace); // validates, connects to nothing
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          origin(spec, "--namespace", NAMESPACE_VARIABLE) + ": " + e.getMessage());
    }
    // Parsed here rather than as a picocli Map, whose own message for a value without '=' names
    // the "option option".
    for (String given : shardedQueueSpecs) {
      int eq = given.lastIndexOf('=');
      Integer shards = eq > 0 ? parseShards(given.substring(eq + 1)) : null;
      if (shards == null) {
        throw new ParameterException(
            spec.commandLine(),
            "--sharded-queue: expected QUEUE=N, a queue name and its number of shards, got '"
                + given
                + "'");
      }
      Integer before = shardedQueues.put(given.substring(0, eq), shards);
      if (before != null) {
        // As --queues a,a is refused: a repeated queue is a typo more often than not.
        throw new ParameterException(
            spec.commandLine(),
            "--sharded-queue names '"
                + given.substring(0, eq)
                + "' twice"
                + (before.equals(shards) ? "" : " (" + before + " and " + shards + " shards)")
                + ": give each queue once");
      }
    }
    try {
      shardedQueues.forEach(Spool.builder()::shardedQueue); // validates
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--sharded-queue: " + e.getMessage());
    }
  }

  private static Integer parseShards(String n) {
    try {
      return Integer.valueOf(n.strip());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Connects to Redis, with further settings.
   *
   * @throws dev.spool.SpoolConnectionException saying which Redis could not be reached, and why
   */
  Spool connect(CommandSpec spec, UnaryOperator<Spool.Builder> settings) {
    Spool.Builder builder = Spool.builder().redis(redis).namespace(namespace);
    shardedQueues.forEach(builder::shardedQueue);
    return RedisConnect.build(
        settings.apply(builder), redis, redisOrigin(spec), spec.commandLine());
  }

  /** Where the Redis URI came from, for messages: {@code --redis} or {@code $SPOOL_REDIS}. */
  private static String redisOrigin(CommandSpec spec) {
    return origin(spec, "--redis", REDIS_VARIABLE);
  }

  /**
   * The option, or the environment variable its value came from when it was not given: a user who
   * never typed {@code --redis} looks for the mistake where the value was set.
   */
  private static String origin(CommandSpec spec, String option, String variable) {
    String value = System.getenv(variable);
    return !given(spec, option) && value != null && !value.isBlank() ? "$" + variable : option;
  }

  private static boolean given(CommandSpec spec, String option) {
    ParseResult parsed = spec.commandLine().getParseResult();
    return parsed != null && parsed.hasMatchedOption(option);
  }
}
