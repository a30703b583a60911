package dev.spool.dashboard;

/** Shortening text for lists and error messages without cutting a character in two. */
final class Clipping {
  private Clipping() {}

  /**
   * The first {@code max} chars of {@code s} and "…", or {@code s} if it is no longer; one char
   * fewer if the cut would split a surrogate pair (an emoji), which would otherwise reach the
   * client as "?".
   */
  static String clip(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int end = max;
    if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end) + "…";
  }
}
