package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.testkit.SpoolRedis;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code spool} never prints a URI's password, whatever characters it holds. */
class UriSecretsIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  static final List<String> PASSWORDS =
      List.of(
          "Sup3r/S3cretPW",
          "p@ss@w0rdXYZ",
          "colon:in:passWORD",
          "100%pure%zz%2Fsecret",
          "blank Pw0rdA zzQ9x",
          "all/of@them:mixed%20 here");

  static Stream<Arguments> uris() {
    return PASSWORDS.stream()
        .flatMap(
            pw ->
                Stream.of(
                    Arguments.of(pw, "redis://someone:" + pw + "@127.0.0.1:" + redis.port()),
                    Arguments.of(pw, "redis://:" + pw + "@127.0.0.1:1/0")));
  }

  static List<String> fragments(String password) {
    return Arrays.stream(password.split("[/@:% ]")).filter(part -> part.length() >= 4).toList();
  }

  @ParameterizedTest
  @MethodSource("uris")
  void statsWithABadUriOrPasswordFailsWithoutPrintingThePassword(String password, String uri) {
    Cli.Run run = Cli.raw("stats", "--redis", uri, "--namespace", SpoolRedis.namespace());

    assertThat(run.code).as(run.err).isNotZero();
    assertThat(run.err).startsWith("spool");
    for (String fragment : fragments(password)) {
      assertThat(run.out + run.err).doesNotContain(fragment);
    }
  }
}
