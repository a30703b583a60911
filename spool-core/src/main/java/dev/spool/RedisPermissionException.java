package dev.spool;

/**
 * The Redis user Spool logs in as lacks a permission Spool needs (an ACL {@code NOPERM} error): a
 * command, a key or a pub/sub channel. Spool checks its channels when it connects, so that no
 * script fails half-way for want of a channel; the message names what is missing. See the minimal
 * ACLs in the operations guide.
 */
public class RedisPermissionException extends SpoolException {
  public RedisPermissionException(String message, Throwable cause) {
    super(message, cause);
  }
}
