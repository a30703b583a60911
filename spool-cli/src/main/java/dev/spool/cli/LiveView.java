package dev.spool.cli;

import dev.spool.Worker;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The once-a-second view of {@code spool demo}. On a terminal it redraws one block in place; in a
 * log (not a terminal, or {@code --plain}) it writes one line per second.
 */
final class LiveView {
  private static final int BAR_WIDTH = 40;
  private static final int PLAIN_BAR_WIDTH = 20;
  private static final String CLEAR_TO_END = "\033[K";

  private final PrintWriter out;
  private final boolean redraw;
  private int drawnLines;

  /**
   * @param redraw redraw a block in place with ANSI escapes, instead of one line per second
   */
  LiveView(PrintWriter out, boolean redraw) {
    this.out = out;
    this.redraw = redraw;
  }

  /** What the view shows at one moment. */
  record Frame(
      String phase,
      String clock,
      long enqueued,
      long succeeded,
      long dead,
      long cancelled,
      long pending,
      Snapshot snapshot,
      List<Worker> workers,
      int concurrency) {}

  void render(Frame f) {
    if (redraw) {
      List<String> lines = block(f);
      if (drawnLines > 0) {
        out.print("\033[" + drawnLines + "F"); // back to the start of the block
      }
      for (String line : lines) {
        out.print(line + CLEAR_TO_END + System.lineSeparator());
      }
      drawnLines = lines.size();
    } else {
      out.println(line(f));
    }
    out.flush();
  }

  /** Forgets the block drawn last, so the next render starts below it. */
  void detach() {
    drawnLines = 0;
  }

  private static List<String> block(Frame f) {
    List<String> lines = new ArrayList<>();
    lines.add(
        String.format(
            Locale.ROOT,
            "%-10s %-16s %s %3d%%",
            f.phase(),
            f.clock(),
            bar(f, BAR_WIDTH),
            percent(f.succeeded(), f.enqueued())));
    lines.add(
        String.format(
            Locale.ROOT,
            "  %d of %d jobs succeeded, %d dead, %d cancelled, %d waiting or running",
            f.succeeded(),
            f.enqueued(),
            f.dead(),
            f.cancelled(),
            f.pending()));
    for (Snapshot.Queue q : f.snapshot().queues()) {
      lines.add(String.format(Locale.ROOT, "  %-8s %-24s dead %d", q.name(), q.status(), q.dead()));
    }
    lines.add(
        "  nodes    "
            + f.workers().stream()
                .map(w -> w.name() + " " + w.busy() + "/" + f.concurrency() + " busy")
                .collect(Collectors.joining(", ")));
    return lines;
  }

  private static String line(Frame f) {
    String queues =
        f.snapshot().queues().stream()
            .map(q -> q.name() + " " + q.status())
            .collect(Collectors.joining(" | "));
    return String.format(
        Locale.ROOT,
        "[%s %s] %s %3d%% %d/%d succeeded, %d dead, %d cancelled | %s",
        f.phase(),
        f.clock(),
        bar(f, PLAIN_BAR_WIDTH),
        percent(f.succeeded(), f.enqueued()),
        f.succeeded(),
        f.enqueued(),
        f.dead(),
        f.cancelled(),
        queues);
  }

  /** {@code [#####x....]}: succeeded, then dead or cancelled, then the rest. */
  static String bar(Frame f, int width) {
    long total = Math.max(1, f.enqueued());
    int done = (int) Math.min(width, f.succeeded() * width / total);
    int lost = (int) Math.min(width - done, (f.dead() + f.cancelled()) * width / total);
    if (lost == 0 && f.dead() + f.cancelled() > 0 && done < width) {
      lost = 1; // visible however few
    }
    return "[" + "#".repeat(done) + "x".repeat(lost) + ".".repeat(width - done - lost) + "]";
  }

  private static long percent(long part, long whole) {
    return whole == 0 ? 0 : part * 100 / whole;
  }
}
