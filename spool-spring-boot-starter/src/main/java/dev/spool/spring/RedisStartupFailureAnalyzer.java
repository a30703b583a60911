package dev.spool.spring;

import dev.spool.InvalidRedisUriException;
import dev.spool.RedisPermissionException;
import dev.spool.SpoolConnectionException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Turns a Redis that Spool could not use at start-up (the auto-configured Spool connects when it is
 * built) into Spring Boot's "APPLICATION FAILED TO START" report, naming the property to check,
 * instead of a stack trace four exceptions deep. Spool's messages never show the URI's password.
 */
class RedisStartupFailureAnalyzer implements FailureAnalyzer {

  @Override
  public FailureAnalysis analyze(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof InvalidRedisUriException e) {
        return new FailureAnalysis(
            "Spool cannot use its Redis URI: " + e.getMessage(),
            "Correct spool.redis.uri (or the SPOOL_REDIS variable, if that is what sets it): it"
                + " takes one of the forms above.",
            e);
      }
      if (t instanceof SpoolConnectionException e) {
        return new FailureAnalysis(
            "Spool " + e.getMessage() + ". It connects while the application starts.",
            "Check that Redis is running and reachable from here, and that spool.redis.uri names"
                + " it (and spool.command-timeout gives it time to answer).",
            e);
      }
      if (t instanceof RedisPermissionException e) {
        return new FailureAnalysis(
            "Spool's Redis user lacks a permission: " + e.getMessage(),
            "Grant the user of spool.redis.uri the permissions in Spool's operations guide (ACLs).",
            e);
      }
    }
    return null;
  }
}
