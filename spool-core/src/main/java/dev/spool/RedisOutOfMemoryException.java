package dev.spool;

/**
 * Redis refused a write because it reached its {@code maxmemory} and its eviction policy is {@code
 * noeviction} (the policy Spool needs: evicting would lose jobs). Nothing was written: an enqueue
 * that throws this did not queue the job. Free memory (retention, dead jobs) or raise {@code
 * maxmemory}; workers keep running what they hold and finish it.
 */
public class RedisOutOfMemoryException extends SpoolException {
  public RedisOutOfMemoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
