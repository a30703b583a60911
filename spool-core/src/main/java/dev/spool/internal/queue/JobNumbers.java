package dev.spool.internal.queue;

/**
 * Job numbers as Redis stores them: list, set and sorted-set members. The scripts issue them from a
 * queue's sequence, 1 to 14 digits (lib.lua's {@code jobNumber}); a member that is anything else
 * was written behind Spool's back, and a read of many members skips it rather than fail on it.
 */
final class JobNumbers {
  /** The longest number the scripts issue or accept: Lua writes longer ones back as doubles. */
  private static final int MAX_DIGITS = 14;

  private JobNumbers() {}

  /** The job number a stored member names, or -1 when it names none. */
  static long parse(String member) {
    // No leading zero: "007" names another key than job 7's.
    if (member == null
        || member.isEmpty()
        || member.length() > MAX_DIGITS
        || member.charAt(0) == '0') {
      return -1;
    }
    for (int i = 0; i < member.length(); i++) {
      char c = member.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
    }
    return Long.parseLong(member);
  }
}
