package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testkit.SpoolRedis;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every command that needs Redis fails in one line when Redis cannot be reached. */
class ConnectionErrorsIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  private static final String UNREACHABLE = "redis://:hunter2@127.0.0.1:1";

  static Stream<String> commands() {
    return Stream.of(
        "worker",
        "enqueue t --args {}",
        "status default:1",
        "query",
        "query --count",
        "stats",
        "dead list",
        "dead retry default:1",
        "dead retry --all --queue default",
        "dead purge --queue default",
        "retry default:1",
        "kill default:1",
        "cancel default:1",
        "nodes",
        "recurring list",
        "recurring cancel nightly",
        "batch show default:b1",
        "enqueue t --node node-1 --strict");
  }

  @ParameterizedTest
  @MethodSource("commands")
  void failsWithOneLineWithoutThePassword(String command) {
    List<String> args = new ArrayList<>(Arrays.asList(command.split(" ")));
    args.addAll(List.of("--redis", UNREACHABLE, "--json"));

    Cli.Run run = Cli.raw(args.toArray(String[]::new));

    assertThat(run.code).as(run.err).isEqualTo(1);
    assertThat(run.out).isEmpty();
    assertThat(run.err.strip().lines()).hasSize(1);
    assertThat(run.err)
        .startsWith("spool: cannot reach Redis at redis://")
        .contains("127.0.0.1:1")
        .contains("connection refused")
        .doesNotContain("hunter2")
        .doesNotContain("Exception")
        .doesNotContain("TLS");
  }

  @Test
  void tlsToAPlainTextRedisSaysTheServerMayNotSpeakTls() {
    // A plain-text Redis waits for the end of a line that the TLS handshake never sends. (Which
    // timeout ends the wait first varies: the connection's or the TLS handshake's.)
    String plainText = "rediss://127.0.0.1:" + redis.port();

    Cli.Run run = Cli.raw("stats", "--redis", plainText);

    assertThat(run.code).as(run.err).isEqualTo(1);
    assertThat(run.err.strip().lines()).hasSize(1);
    assertThat(run.err)
        .startsWith("spool: ")
        .containsPattern("at " + Pattern.quote(plainText) + " \\([^)]*timed out[^)]*\\); ")
        .contains("the server may not speak TLS: for a plain-text Redis, use redis://");
  }

  @Test
  void tlsToNoServerAtAllGetsNoTlsHint() {
    Cli.Run run = Cli.raw("stats", "--redis", "rediss://127.0.0.1:1");

    assertThat(run.code).isEqualTo(1);
    assertThat(run.err).contains("connection refused").doesNotContain("TLS");
  }
}
