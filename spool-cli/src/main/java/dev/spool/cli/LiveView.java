package dev.spool.cli;

import dev.spool.BatchProgress;
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
  private static final int QUEUE_BAR_WIDTH = 20;
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

  /**
   * One queue in the view: its jobs so far, those that succeeded, and those lost (dead, killed or
   * cancelled), with its status string and dead set.
   */
  record QueueLine(
      String name, long enqueued, long succeeded, long lost, String status, long dead) {}

  /**
   * What the view shows at one moment.
   *
   * @param batch the batch's progress, null before it is submitted
   * @param extras one line each about the recurring job, unique jobs and the kill (label, text)
   */
  record Frame(
      String phase,
      String clock,
      long enqueued,
      long succeeded,
      long dead,
      long killed,
      long cancelled,
      long rejected,
      long pending,
      List<QueueLine> queues,
      BatchProgress batch,
      List<String[]> extras,
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
    long lost = f.dead() + f.killed() + f.cancelled();
    lines.add(
        String.format(
            Locale.ROOT,
            "%-10s %-16s %s %3d%%",
            f.phase(),
            f.clock(),
            bar(f.succeeded(), lost, f.enqueued(), BAR_WIDTH),
            percent(f.succeeded(), f.enqueued())));
    lines.add(
        String.format(
            Locale.ROOT,
            "  %d of %d jobs succeeded, %d dead, %d killed, %d cancelled, %d waiting or running;"
                + " %d rejected",
            f.succeeded(),
            f.enqueued(),
            f.dead(),
            f.killed(),
            f.cancelled(),
            f.pending(),
            f.rejected()));
    for (QueueLine q : f.queues()) {
      lines.add(
          String.format(
              Locale.ROOT,
              "  %-11s %s  %-24s dead %d",
              q.name(),
              bar(q.succeeded(), q.lost(), q.enqueued(), QUEUE_BAR_WIDTH),
              q.status(),
              q.dead()));
    }
    if (f.batch() != null) {
      BatchProgress b = f.batch();
      lines.add(
          String.format(
              Locale.ROOT,
              "  %-11s %s  %d of %d thumbnails, %d failed%s",
              "batch",
              bar(b.succeeded(), b.failed(), b.total(), QUEUE_BAR_WIDTH),
              b.succeeded() + b.failed(),
              b.total(),
              b.failed(),
              b.finished() ? ": finished, on-complete job enqueued" : ""));
    }
    for (String[] extra : f.extras()) {
      lines.add(String.format(Locale.ROOT, "  %-11s %s", extra[0], extra[1]));
    }
    lines.add(
        String.format(
            Locale.ROOT,
            "  %-11s %s",
            "nodes",
            f.workers().stream()
                .map(w -> w.name() + " " + w.busy() + "/" + f.concurrency() + " busy")
                .collect(Collectors.joining(", "))));
    return lines;
  }

  private static String line(Frame f) {
    String queues =
        f.queues().stream()
            .map(q -> q.name() + " " + q.status())
            .collect(Collectors.joining(" | "));
    String batch =
        f.batch() == null
            ? ""
            : " | batch " + (f.batch().succeeded() + f.batch().failed()) + "/" + f.batch().total();
    return String.format(
        Locale.ROOT,
        "[%s %s] %s %3d%% %d/%d succeeded, %d dead, %d killed, %d cancelled, %d rejected | %s%s",
        f.phase(),
        f.clock(),
        bar(f.succeeded(), f.dead() + f.killed() + f.cancelled(), f.enqueued(), PLAIN_BAR_WIDTH),
        percent(f.succeeded(), f.enqueued()),
        f.succeeded(),
        f.enqueued(),
        f.dead(),
        f.killed(),
        f.cancelled(),
        f.rejected(),
        queues,
        batch);
  }

  /** {@code [#####x....]}: done, then lost (dead, killed or cancelled), then the rest. */
  static String bar(long done, long lost, long total, int width) {
    long whole = Math.max(1, Math.max(total, done + lost));
    int d = (int) Math.min(width, done * width / whole);
    int l = (int) Math.min(width - d, lost * width / whole);
    if (l == 0 && lost > 0 && d < width) {
      l = 1; // visible however few
    } else if (l == 0 && lost > 0 && d == width) {
      d--;
      l = 1;
    }
    return "[" + "#".repeat(d) + "x".repeat(l) + ".".repeat(width - d - l) + "]";
  }

  private static long percent(long part, long whole) {
    return whole == 0 ? 0 : Math.min(100, part * 100 / whole);
  }
}
