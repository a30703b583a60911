package dev.spool.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What Linux's /proc tells about another process: its CPU time and its peak memory. */
final class ProcStat {
  /** Clock ticks per second of /proc/[pid]/stat's times; 100 on every usual Linux. */
  static final long TICKS_PER_SECOND = ticksPerSecond();

  private ProcStat() {}

  /** User + system CPU time of a process (all its threads) in seconds, or NaN if unreadable. */
  static double cpuSeconds(long pid) {
    try {
      return cpuTicks(Files.readString(Path.of("/proc/" + pid + "/stat")))
          / (double) TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** Peak resident set size (VmHWM) of a process in KiB, or -1 if unreadable. */
  static long peakRssKb(long pid) {
    try {
      return statusField(Files.readString(Path.of("/proc/" + pid + "/status")), "VmHWM:");
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * utime + stime (fields 14 and 15) of a /proc/[pid]/stat line. Field 2, the command name in
   * parentheses, may itself hold spaces and parentheses: fields are counted after the last ')'.
   */
  static long cpuTicks(String statLine) {
    int close = statLine.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc/[pid]/stat line: " + statLine);
    }
    String[] rest = statLine.substring(close + 1).trim().split("\\s+");
    // rest[0] is field 3 (state), so field k is rest[k - 3]
    return Long.parseLong(rest[14 - 3]) + Long.parseLong(rest[15 - 3]);
  }

  /** A "Name: value kB" field of /proc/[pid]/status, or -1 when it is not there. */
  static long statusField(String status, String name) {
    for (String line : status.split("\n")) {
      if (line.startsWith(name)) {
        return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
      }
    }
    return -1;
  }

  /** The command line of a process, its arguments joined by spaces, or "" if unreadable. */
  static String commandLine(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")))
          .replace('\0', ' ')
          .trim();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static long ticksPerSecond() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return Long.parseLong(new String(p.getInputStream().readAllBytes()).trim());
      }
      p.destroyForcibly();
    } catch (IOException | RuntimeException e) {
      // no getconf: assume the usual
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }
}
