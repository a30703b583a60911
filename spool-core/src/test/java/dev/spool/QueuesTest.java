package dev.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QueuesTest {
  @Test
  void anEntryIsANameWithOrWithoutAWeight() {
    assertThat(Queues.Entry.parse("critical=6")).isEqualTo(new Queues.Entry("critical", 6));
    assertThat(Queues.Entry.parse("low")).isEqualTo(new Queues.Entry("low", 0));
    assertThat(Queues.Entry.parse("low").weighted()).isFalse();
    assertThat(Queues.Entry.parse("a=1000").weighted()).isTrue();
  }

  @Test
  void aBadNameOrWeightIsRefusedSayingWhy() {
    assertThatThrownBy(() -> Queues.Entry.parse("low=none"))
        .hasMessage("weight of 'low' must be 1 to 1000, got 'none'");
    assertThatThrownBy(() -> Queues.Entry.parse("low=0"))
        .hasMessage("weight of 'low' must be 1 to 1000, got '0'");
    assertThatThrownBy(() -> Queues.Entry.parse("low=1001")).hasMessageContaining("got '1001'");
    assertThatThrownBy(() -> Queues.Entry.parse("bad name=2"))
        .hasMessageContaining("invalid queue name 'bad name'");
    assertThatThrownBy(() -> Queues.Entry.parse("=2"))
        .hasMessageContaining(
            "invalid queue name ''"); // Made directly, an entry keeps the same rules.
    assertThatThrownBy(() -> new Queues.Entry("bad name", 1))
        .hasMessageContaining("invalid queue name 'bad name'");
    assertThatThrownBy(() -> new Queues.Entry("low", -3)).hasMessageContaining("got -3");
  }
}
