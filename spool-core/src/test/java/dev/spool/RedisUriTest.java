package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A malformed Redis URI is an {@link InvalidRedisUriException} that says what is wrong. */
class RedisUriTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // Both were "cannot reach Redis at redis://host:notaport:6379 (… NXDOMAIN)" before.
        "redis://host:notaport | 'redis://host:notaport': the port 'notaport' of 'host:notaport'"
            + " is not a number from 1 to 65535",
        "redis://host:0 | 'redis://host:0': the port '0' of 'host:0' is not a number",
        "redis://host:6379/abc | 'redis://host:6379/abc': the database 'abc' is not a number",
        "redis://my_redis:6380 | the host of 'my_redis:6380' is neither a host name",
        "redis://h1:7000,h2:7001/3 | a Redis Cluster has only database 0",
        "http://host:6379 | 'http://host:6379' is not a Redis URI: use redis://",
      })
  void aMalformedUriIsInvalidWithWhatIsWrong(String uri, String what) {
    assertThatThrownBy(() -> Spool.connect(uri))
        .isExactlyInstanceOf(InvalidRedisUriException.class)
        .hasMessageStartingWith("invalid Redis URI '")
        .hasMessageContaining(what)
        .hasMessageContaining("use redis://[:password@]host:port[/db]")
        .hasMessageNotContaining("Exception");
  }

  @Test
  void theBuilderRefusesItBeforeConnectingAndTheProblemLeavesOutTheForms() {
    InvalidRedisUriException e =
        (InvalidRedisUriException)
            org.assertj.core.api.Assertions.catchThrowable(
                () -> Spool.builder().redis("redis://127.0.0.1:notaport"));

    assertThat(e.problem())
        .isEqualTo(
            "'redis://127.0.0.1:notaport': the port 'notaport' of '127.0.0.1:notaport' is not a"
                + " number from 1 to 65535");
  }

  @Test
  void anUnencodedAtInThePasswordIsSaidWithoutThePassword() {
    assertThatThrownBy(() -> Spool.connect("redis://:p@ssW0rdXYZ@127.0.0.1:6379"))
        .isExactlyInstanceOf(InvalidRedisUriException.class)
        .hasMessageStartingWith(
            "invalid Redis URI 'redis://***@127.0.0.1:6379': the password holds an '@': write it"
                + " as %40")
        .hasMessageNotContaining("ssW0rdXYZ");
  }

  @Test
  void aValueTheClientCannotParseSaysSoWithoutTheExceptionOrThePassword() {
    assertThatThrownBy(
            () -> Spool.connect("redis://:secret@127.0.0.1:6379?timeout=99999999999999999999"))
        .isExactlyInstanceOf(InvalidRedisUriException.class)
        .hasMessageStartingWith("invalid Redis URI 'redis://***@127.0.0.1:6379?timeout=")
        .hasMessageContaining("it cannot be parsed: use redis://")
        .hasMessageNotContaining("secret")
        .hasMessageNotContaining("Exception");
  }
}
