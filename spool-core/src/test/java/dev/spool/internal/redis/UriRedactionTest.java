package dev.spool.internal.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UriRedactionTest {
  @Test
  void aSentinelUriKeepsItsHostsAndMasterNameButNotItsPassword() {
    assertThat(
            UriRedaction.redact(
                "redis-sentinel://:s3cret%2Fpw@10.0.0.1:26379,10.0.0.2:26379/2#mymaster"))
        .isEqualTo("redis-sentinel://***@10.0.0.1:26379,10.0.0.2:26379/2#mymaster");
  }

  @Test
  void aTlsSentinelUriWithAUserLosesBoth() {
    assertThat(UriRedaction.redact("rediss-sentinel://app:pw@h1:26379#m"))
        .isEqualTo("rediss-sentinel://***@h1:26379#m");
  }

  @Test
  void aSentinelUriWithoutUserInfoIsAsItWas() {
    String uri = "redis-sentinel://h1:26379,h2:26379#mymaster";
    assertThat(UriRedaction.redact(uri)).isEqualTo(uri);
  }
}
