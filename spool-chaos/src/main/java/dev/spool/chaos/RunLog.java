package dev.spool.chaos;

import dev.spool.JobContext;
import dev.spool.JobId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The experiments' own record of every run, kept apart from Spool's state: each worker process
 * appends one line per event to {@code runs-<pid>.log} in a directory the test chose. A line is one
 * {@code write} on a file opened for append, so it is in the file as soon as the call returns and
 * survives a {@code kill -9} of the process.
 *
 * <p>Line format: {@code <event> <type> <job id> <attempt> <pid> <epoch ms>}, e.g. {@code S
 * chaos.work chaos:42 0 31337 1764380000123}.
 */
public final class RunLog {
  /** What happened to a run. */
  public enum Event {
    /** The handler began. */
    STARTED('S'),
    /** The handler returned normally. */
    ENDED('E'),
    /** The handler threw on purpose. */
    FAILED('F'),
    /** The handler was interrupted (shutdown, timeout, kill request). */
    INTERRUPTED('I');

    final char code;

    Event(char code) {
      this.code = code;
    }

    static Event of(char code) {
      for (Event e : values()) {
        if (e.code == code) {
          return e;
        }
      }
      throw new IllegalArgumentException("no run event '" + code + "'");
    }
  }

  /** One line of a run log. */
  public record Entry(Event event, String type, JobId job, int attempt, long pid, long atMillis) {
    /** Reads a line that {@link RunLog} wrote. */
    public static Entry parse(String line) {
      String[] f = line.split(" ");
      if (f.length != 6 || f[0].length() != 1) {
        throw new IllegalArgumentException("not a run log line: '" + line + "'");
      }
      return new Entry(
          Event.of(f[0].charAt(0)),
          f[1],
          JobId.parse(f[2]),
          Integer.parseInt(f[3]),
          Long.parseLong(f[4]),
          Long.parseLong(f[5]));
    }

    String format() {
      return event.code + " " + type + " " + job + " " + attempt + " " + pid + " " + atMillis;
    }
  }

  /** The system property that names the directory of the run logs, in a worker process. */
  public static final String DIR_PROPERTY = "spool.chaos.runs";

  private static final String PREFIX = "runs-";
  private static final String SUFFIX = ".log";

  private final FileChannel channel;
  private final long pid = ProcessHandle.current().pid();

  private RunLog(FileChannel channel) {
    this.channel = channel;
  }

  /** The run log of this process, in the directory {@code dir}. */
  static RunLog open(Path dir) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(PREFIX + ProcessHandle.current().pid() + SUFFIX);
      return new RunLog(
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the run log in " + dir, e);
    }
  }

  /** Whether {@code file} is a run log. */
  public static boolean isRunLog(Path file) {
    String name = file.getFileName().toString();
    return name.startsWith(PREFIX) && name.endsWith(SUFFIX);
  }

  void record(Event event, JobContext job) {
    Entry entry =
        new Entry(event, job.type(), job.id(), job.attempt(), pid, System.currentTimeMillis());
    ByteBuffer bytes = StandardCharsets.UTF_8.encode(entry.format() + "\n");
    try {
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the run log", e);
    }
  }
}
