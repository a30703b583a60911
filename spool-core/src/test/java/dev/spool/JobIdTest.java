package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JobIdTest {
  @Test
  void printsAndParsesQueueColonNumber() {
    JobId id = new JobId("mail", 42);
    assertThat(id).hasToString("mail:42");
    assertThat(JobId.parse("mail:42")).isEqualTo(id);
  }

  @Test
  void malformedIdsAreRefusedWithTheExpectedForm() {
    for (String bad : new String[] {"", "mail", "mail:", ":42", "mail:x", "mail:-1", "a b:1"}) {
      assertThatThrownBy(() -> JobId.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> JobId.parse("mail:x")).hasMessageContaining("expected queue:number");
  }
}
