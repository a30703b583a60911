package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Credentials leave URIs; the same words in prose stay, so that nothing is told by their gap. */
class RedactionTest {
  @AfterEach
  void forget() {
    Redaction.forgetAll(); // the words below must not be hidden in other tests' output
  }

  @Test
  void aUserNameOrPasswordThatIsAlsoAWordOfTheMessageIsLeftInThePlainText() {
    Redaction.remember("redis://user:wrong@127.0.0.1:6380");

    String said =
        Redaction.redact(
            "authentication failed at Redis redis://user:wrong@127.0.0.1:6380: wrong user name"
                + " or password");

    assertThat(said)
        .isEqualTo(
            "authentication failed at Redis redis://***@127.0.0.1:6380: wrong user name or"
                + " password");
  }

  @Test
  void aPasswordWithBlanksIsHiddenWhereverItStartsOrEndsInAUri() {
    Redaction.remember("redis://:blank Pw0rdA zzQ9x@127.0.0.1:1/0");

    String said = Redaction.redact("'redis://:blank Pw0rdA zzQ9x@127.0.0.1:1/0': bad port");

    assertThat(said).isEqualTo("'redis://***@127.0.0.1:1/0': bad port");
  }
}
