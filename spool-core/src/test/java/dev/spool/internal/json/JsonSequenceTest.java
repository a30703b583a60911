package dev.spool.internal.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.util.RecyclerPool;
import dev.spool.SpoolException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonSequenceTest {
  record Mail(String to, int n, List<String> tags) {}

  /** Jackson cannot write it: a getter that throws. */
  static final class Broken {
    public String getValue() {
      throw new IllegalStateException("no value");
    }
  }

  @Test
  void writesEachValueAsJsonWriteWouldOneAfterAnother() {
    Json.Sequence sequence = new Json.Sequence();
    List<Object> values =
        List.of(
            new Mail("a@b.c", 1, List.of("x")),
            "plain \"quoted\" text",
            Map.of("emoji", "\uD83D\uDE00 ü"),
            42,
            new Mail("d@e.f", 2, List.of()));
    for (Object value : values) {
      assertThat(sequence.write(value)).isEqualTo(Json.write(value));
    }
  }

  @Test
  void aValueThatCannotBeWrittenFailsAloneAndTheNextOneIsWritten() {
    Json.Sequence sequence = new Json.Sequence();
    assertThat(sequence.write(new Mail("a", 1, List.of())))
        .isEqualTo(Json.write(new Mail("a", 1, List.of())));
    assertThatThrownBy(() -> sequence.write(new Broken()))
        .isInstanceOf(SpoolException.class)
        .hasMessageContaining("cannot write");
    assertThat(sequence.write(new Mail("b", 2, List.of())))
        .isEqualTo("{\"to\":\"b\",\"n\":2,\"tags\":[]}");
  }

  @Test
  void closingHandsTheBuffersBackToThePoolForTheNextCall() {
    RecyclerPool<?> pool = Json.mapper().getFactory()._getRecyclerPool();
    int before = pool.pooledCount();
    try (Json.Sequence sequence = new Json.Sequence()) {
      sequence.write(new Mail("a@b.c", 1, List.of("x")));
    }
    // The call took a recycler from the pool (or made one) and gave it back when it closed.
    assertThat(pool.pooledCount()).isGreaterThanOrEqualTo(Math.max(1, before));
  }
}
