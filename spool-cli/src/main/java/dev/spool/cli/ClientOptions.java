package dev.spool.cli;

import dev.spool.Spool;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The options every command that talks to Redis shares: {@code --redis}, {@code --namespace},
 * {@code --json} and {@code --verbose}.
 */
public final class ClientOptions {
  /** The Redis used when neither {@code --redis} nor {@code $SPOOL_REDIS} names one. */
  public static final String DEFAULT_REDIS = "redis://127.0.0.1:6379";

  @Option(
      names = "--redis",
      paramLabel = "URI",
      order = 100,
      defaultValue = "${env:SPOOL_REDIS:-" + DEFAULT_REDIS + "}",
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
      defaultValue = "${env:SPOOL_NAMESPACE:-" + Spool.Builder.DEFAULT_NAMESPACE + "}",
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
  Map<String, Integer> shardedQueues = new LinkedHashMap<>();

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
    Redaction.remember(redis);
    if (redis == null
        || !redis
            .strip()
            .matches(
                "(?i)(redis|rediss|redis-socket|redis-sentinel|rediss-sentinel|redis-cluster"
                    + "|rediss-cluster)://.*")) {
      throw new ParameterException(
          spec.commandLine(),
          "--redis: '"
              + Redaction.redact(redis)
              + "' is not a Redis URI: use redis://[:password@]host:port[/db],"
              + " redis-sentinel://[:password@]host1:port1,host2:port2[/db]#master or, for a"
              + " Redis Cluster, redis://[:password@]host1:port1,host2:port2");
    }
    try {
      Spool.builder().namespace(namespace); // validates, connects to nothing
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--namespace: " + e.getMessage());
    }
    try {
      shardedQueues.forEach(Spool.builder()::shardedQueue); // validates
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--sharded-queue: " + e.getMessage());
    }
  }

  /**
   * Connects to Redis.
   *
   * @throws dev.spool.SpoolConnectionException saying which Redis could not be reached, and why
   */
  Spool connect() {
    return connect(b -> b);
  }

  /** Connects with further settings. */
  Spool connect(UnaryOperator<Spool.Builder> settings) {
    Spool.Builder builder = Spool.builder().redis(redis).namespace(namespace);
    shardedQueues.forEach(builder::shardedQueue);
    return settings.apply(builder).build();
  }
}
