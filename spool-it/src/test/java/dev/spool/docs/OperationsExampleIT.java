package dev.spool.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.Spool;
import dev.spool.testkit.SpoolRedis;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The connecting example of docs/operations.md (its TLS example is a region of TlsIT). */
class OperationsExampleIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.dedicated();

  @Test
  void connectsWithAUriAndACommandTimeout() {
    // In production, e.g. "rediss://app:s3cret@redis.internal:6380/0".
    String redisUri = redis.uri();

    // snippet: connecting
    Spool spool = Spool.builder().redis(redisUri).commandTimeout(Duration.ofSeconds(10)).build();
    // end snippet

    try (spool) {
      assertThat(spool.namespace()).isEqualTo("spool");
      assertThat(spool.monitor().queues()).isEmpty();
    }
  }
}
