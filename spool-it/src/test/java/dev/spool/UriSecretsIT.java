package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.spool.testkit.SpoolRedis;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** No message, cause or stack trace shows a URI's password, whatever characters it holds. */
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
                    Arguments.of(pw, "rediss://:" + pw + "@127.0.0.1:1/0"),
                    Arguments.of(pw, "redis://:" + pw + "@127.0.0.1:1")));
  }

  /** The pieces of a password worth hiding: what lies between its special characters. */
  static List<String> fragments(String password) {
    return Arrays.stream(password.split("[/@:% ]")).filter(part -> part.length() >= 4).toList();
  }

  @ParameterizedTest
  @MethodSource("uris")
  void aFailedConnectNeverShowsThePassword(String password, String uri) {
    Throwable thrown =
        catchThrowable(
            () -> Spool.builder().redis(uri).namespace(SpoolRedis.namespace()).build().close());

    assertThat(thrown).isInstanceOf(SpoolException.class);
    StringWriter trace = new StringWriter();
    thrown.printStackTrace(new PrintWriter(trace));
    for (String fragment : fragments(password)) {
      assertThat(trace.toString()).doesNotContain(fragment);
    }
  }
}
