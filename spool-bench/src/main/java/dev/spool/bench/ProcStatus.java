package dev.spool.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's memory as Linux sees it, from /proc/self. */
final class ProcStatus {
  private ProcStatus() {}

  /** Peak resident set size (VmHWM) in KiB, or -1 where /proc is not there. */
  static long peakRssKb() {
    return field("VmHWM:");
  }

  /** Current resident set size (VmRSS) in KiB, or -1. */
  static long rssKb() {
    return field("VmRSS:");
  }

  /** Resets the peak RSS to the current RSS (writes 5 to /proc/self/clear_refs); false if not. */
  static boolean resetPeak() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
      return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  private static long field(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or an unexpected format
    }
    return -1;
  }
}
