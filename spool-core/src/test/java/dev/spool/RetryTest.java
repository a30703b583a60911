package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spool.internal.queue.StoredOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryTest {
  @Test
  void exponentialDelaysGrowByTheMultiplier() {
    Retry r = Retry.exponential(5, Duration.ofSeconds(1), 2.0).withJitter(0);
    assertThat(r.delayBefore(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(r.delayBefore(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(r.delayBefore(4)).isEqualTo(Duration.ofSeconds(8));
  }

  @Test
  void jitterStaysWithinItsFraction() {
    Retry r = Retry.exponential(5, Duration.ofSeconds(10), 1.0).withJitter(0.2);
    for (int i = 0; i < 1000; i++) {
      assertThat(r.delayBefore(1)).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(12));
    }
  }

  @Test
  void delaysAreCappedAtTheMaximum() {
    Retry r = new Retry(100, Duration.ofSeconds(1), 10.0, 0);
    assertThat(r.delayBefore(90)).isEqualTo(Retry.MAX_DELAY);
  }

  @Test
  void invalidPoliciesAreRefusedNamingTheField() {
    assertThatThrownBy(() -> Retry.fixed(0, Duration.ZERO))
        .hasMessageContaining("attempts must be at least 1");
    assertThatThrownBy(() -> Retry.exponential(3, Duration.ofSeconds(1), 0.5))
        .hasMessageContaining("multiplier must be 1.0 or more");
    assertThatThrownBy(() -> Retry.none().withJitter(1.5))
        .hasMessageContaining("jitter must be in [0, 1)");
    assertThatThrownBy(() -> Retry.none().delayBefore(0))
        .hasMessageContaining("retry numbers start at 1");
  }

  @Test
  void noneMeansOneAttempt() {
    assertThat(Retry.none().attempts()).isEqualTo(1);
  }

  @Test
  void failuresOfTheNamedClassesAndTheirSubclassesAreFinal() {
    Retry r =
        Retry.fixed(3, Duration.ZERO)
            .withNoRetryFor(IllegalArgumentException.class)
            .withNoRetryFor(IllegalArgumentException.class, java.io.FileNotFoundException.class);
    assertThat(r.noRetryFor())
        .containsExactly("java.io.FileNotFoundException", "java.lang.IllegalArgumentException");
    assertThat(r)
        .isEqualTo(
            Retry.fixed(3, Duration.ZERO)
                .withNoRetryFor(java.io.FileNotFoundException.class)
                .withNoRetryFor(IllegalArgumentException.class));
    assertThat(r.retries(new NumberFormatException("x"))).isFalse(); // a subclass
    assertThat(r.retries(new java.io.FileNotFoundException("x"))).isFalse();
    assertThat(r.retries(new java.io.IOException("x"))).isTrue(); // a superclass is not named
    assertThat(r.retries(new IllegalStateException("x"))).isTrue();
    assertThat(r.withJitter(0.1).noRetryFor()).isEqualTo(r.noRetryFor());
  }

  @Test
  void anUnrecoverableJobExceptionIsFinalUnderEveryPolicy() {
    assertThat(Retry.DEFAULT.retries(new UnrecoverableJobException("gone"))).isFalse();
    assertThat(Retry.DEFAULT.retries(new IllegalStateException("x"))).isTrue();
  }

  @Test
  void aPolicyWithNoRetryForIsStoredWithTheJobAndReadBack() throws Exception {
    Retry r = Retry.fixed(3, Duration.ofSeconds(2)).withNoRetryFor(IllegalStateException.class);
    String json = StoredOptions.of(r, null).toJson();
    assertThat(json).contains("\"noRetryFor\":[\"java.lang.IllegalStateException\"]");
    assertThat(StoredOptions.parse(json).storedRetry()).contains(r);
    // Without classes nothing more is stored, as before.
    assertThat(StoredOptions.of(Retry.fixed(3, Duration.ofSeconds(2)), null).toJson())
        .doesNotContain("noRetryFor");
  }

  @Test
  void theDefaultWaitsAboutTwoMinutesInAll() {
    // As Retry's javadoc, docs/retries.md and README.md say: 1 + 2 + 4 + … + 64 s = 127 s ± 20 %.
    Retry d = Retry.DEFAULT;
    long total = 0;
    for (int retry = 1; retry < d.attempts(); retry++) {
      total += d.delayBefore(retry).toMillis();
    }
    assertThat(d.attempts()).isEqualTo(8);
    assertThat(total).isBetween(101_600L, 152_400L);
  }
}
