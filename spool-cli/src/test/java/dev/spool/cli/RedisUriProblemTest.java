package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A malformed {@code --redis} URI is bad usage, said in one line, before Redis is asked. */
class RedisUriProblemTest {
  static Stream<Arguments> malformed() {
    return Stream.of(
        // Read as the host name "host:notaport", or as port 6379, before.
        Arguments.of("redis://host:notaport", "the port 'notaport' of 'host:notaport' is not a"),
        Arguments.of("redis://host:0", "the port '0' of 'host:0' is not a number from 1 to 65535"),
        Arguments.of("redis://host:-1", "the port '-1' of 'host:-1' is not a number"),
        Arguments.of("redis://host:", "the port '' of 'host:' is not a number"),
        Arguments.of("redis://h1:7000,h2:x", "the port 'x' of 'h2:x' is not a number"),
        Arguments.of("redis-cluster://h1:0", "the port '0' of 'h1:0' is not a number"),
        Arguments.of("redis-sentinel://h1:0#mymaster", "the port '0' of 'h1:0' is not a number"),
        Arguments.of("redis://my_redis:6380", "the host of 'my_redis:6380' is neither a host name"),
        // Failures with an exception's name (exit code 1), before.
        Arguments.of("redis://host:65536", "the port '65536' of 'host:65536' is not a number"),
        Arguments.of("redis://host:6379/abc", "the database 'abc' is not a number (0, 1, 2…)"),
        Arguments.of("redis://", "no host, as in redis://host:6379"),
        Arguments.of("redis://[::1", "the IPv6 address '[::1' has no closing ']'"),
        Arguments.of("redis://a b", "it cannot be parsed (illegal character in authority at"),
        Arguments.of("redis-sentinel://h1:26379", "no master name: add #name"),
        Arguments.of("redis-socket://", "no socket path"),
        Arguments.of("REDIS://host:6379", "write the scheme in lower case, redis://"),
        Arguments.of("redis://host:6379?verifyPeer=maybe", "verifyPeer must be none, ca or full"),
        Arguments.of("redis://h1:7000,h2:7001/3", "a Redis Cluster has only database 0"),
        // One the check lets through and the client refuses: still bad usage, in words.
        Arguments.of(
            "redis://host:6379?timeout=99999999999999999999",
            "cannot be parsed: use redis://[:password@]host:port[/db]"));
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void aMalformedUriIsBadUsageThatSaysWhatIsWrong(String uri, String what) {
    Cli.Run run = Cli.raw("stats", "--redis", uri);

    assertThat(run.code).as(run.err).isEqualTo(2);
    assertThat(run.out).isEmpty();
    assertThat(run.err.lines().findFirst().orElseThrow())
        .startsWith("spool stats: --redis: '" + uri + "'")
        .contains(what)
        .doesNotContain("Exception");
  }

  @Test
  void aPasswordWithAnUnencodedCharacterIsBadUsageThatNeverShowsIt() {
    Cli.Run at = Cli.raw("stats", "--redis", "redis://:p@ssw0rdXYZ@127.0.0.1:6380");
    Cli.Run slash = Cli.raw("stats", "--redis", "redis://:Sup3r/S3cretPW@127.0.0.1:6380/0");

    assertThat(at.code).isEqualTo(2);
    assertThat(at.err)
        .contains("--redis: 'redis://***@127.0.0.1:6380': the password holds an '@': write it as")
        .doesNotContain("ssw0rdXYZ");
    assertThat(slash.code).isEqualTo(2);
    assertThat(slash.err)
        .contains("the password holds a '/', '?' or '#'")
        .doesNotContain("Sup3r")
        .doesNotContain("S3cretPW");
  }

  @Test
  void theDemoChecksItsRedisUriToo() {
    Cli.Run run = Cli.raw("demo", "--redis", "redis://127.0.0.1:notaport");

    assertThat(run.code).isEqualTo(2);
    assertThat(run.err)
        .startsWith("spool demo: --redis: 'redis://127.0.0.1:notaport': the port 'notaport'");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "redis://127.0.0.1:6379",
        "redis://localhost",
        "redis://my_redis",
        "redis://:s3cret@redis.internal:6379/0",
        "redis://user:pa%40ss@host:6380/15",
        "redis://:p@ss@host",
        "rediss://host:6380?verifyPeer=none",
        "redis://[::1]:6379",
        "redis://host:6379#ignored",
        "redis-socket:///var/run/redis.sock",
        "redis-sentinel://h1:26379,h2:26380/1#mymaster",
        "redis-sentinel://:pw@h1,h2#mymaster",
        "rediss-sentinel://h1:26379?sentinelMasterId=mymaster",
        "redis://h1:7000,h2:7001",
        "redis://h1:7000,h2:7001/0",
        "redis-cluster://h1:7000",
        "rediss-cluster://h1:7000,[::1]:7001",
        "redis://h:6379?clientName=worker@host1",
        "redis://:pw@h:6379/0?clientName=a@b"
      })
  void aWellFormedUriPasses(String uri) {
    assertThat(RedisConnect.problem(uri)).isNull();
  }

  @Test
  void anAtSignInTheQueryIsNoPasswordButOneInTheHostsStillIs() {
    assertThat(RedisConnect.problem("redis://:p@ss@host:6380?clientName=a@b"))
        .contains("the password holds an '@'");
  }

  @Test
  void aHostNameWithAnUnderscoreAndAPortIsToldItWorksWithoutThePort() {
    assertThat(RedisConnect.problem("redis://my_redis:6379"))
        .contains("neither a host name")
        .contains("works without a port, as redis://my_redis (port 6379)");
  }

  @Test
  void aUriWithATrailingNewlineIsUsedWithoutIt() {
    Cli.Run run = Cli.raw("stats", "--redis", "redis://127.0.0.1:notaport\n");
    assertThat(run.code).isEqualTo(2);
    assertThat(run.err).contains("the port 'notaport' of '127.0.0.1:notaport' is not");
  }
}
