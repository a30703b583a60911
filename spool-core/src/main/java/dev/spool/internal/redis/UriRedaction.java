package dev.spool.internal.redis;

/**
 * Keeps the user-info of a Redis URI (user name, password) out of messages, whatever the password
 * holds ({@code / @ : %}, spaces): everything between {@code ://} and the last {@code @} is
 * user-info.
 */
public final class UriRedaction {
  private UriRedaction() {}

  /** {@code redis://:secret@host:6379} → {@code redis://***@host:6379}; no user-info, as is. */
  public static String redact(String uri) {
    if (uri == null) {
      return null;
    }
    int scheme = uri.indexOf("://");
    int at = uri.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return uri;
    }
    return uri.substring(0, scheme + 3) + "***" + uri.substring(at);
  }
}
