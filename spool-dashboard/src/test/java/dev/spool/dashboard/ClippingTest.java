package dev.spool.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ClippingTest {
  @Test
  void aCutThatWouldSplitAnEmojiLeavesItOutWhole() {
    String text = "a".repeat(79) + "😀" + "tail"; // the emoji is chars 79 and 80

    String clipped = Clipping.clip(text, 80);

    assertThat(clipped).isEqualTo("a".repeat(79) + "…");
    String utf8 = new String(clipped.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    assertThat(utf8).doesNotContain("?");
  }

  @Test
  void anEmojiBeforeTheCutStays() {
    assertThat(Clipping.clip("😀" + "b".repeat(100), 10)).isEqualTo("😀" + "b".repeat(8) + "…");
    assertThat(Clipping.clip("short", 80)).isEqualTo("short");
  }

  @Test
  void paramsAndDocumentsClipTheSameWay() {
    String text = "x".repeat(199) + "😀";

    assertThat(Documents.clip(text, 200)).isEqualTo("x".repeat(199) + "…");
    assertThat(Params.clip("y".repeat(79) + "😀" + "z")).isEqualTo("y".repeat(79) + "…");
  }
}
