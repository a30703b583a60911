package dev.spool.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TableTest {
  @Test
  void alignsColumnsTwoSpacesApartWithNumbersOnTheRight() {
    String text =
        Table.of("queue", "ready", "note")
            .alignRight(1)
            .row("default", 3, "ok")
            .row("mail", 1200, null)
            .render();

    assertThat(text.lines())
        .containsExactly(
            "QUEUE    READY  NOTE", //
            "default      3  ok",
            "mail      1200  -");
  }

  @Test
  void keyValueListingsHaveNoHeaderAndKeepCellsOnOneLine() {
    String text = Table.keyValue().row("id", "default:1").row("args", "{\n \"a\": 1\n}").render(2);

    assertThat(text.lines()).containsExactly("  id    default:1", "  args  { \"a\": 1 }");
  }

  @Test
  void truncatesLongText() {
    assertThat(Table.truncate("abcdefghij", 6)).isEqualTo("abc...");
    assertThat(Table.truncate("abc", 6)).isEqualTo("abc");
  }
}
