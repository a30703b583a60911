package dev.spool.spring;

import dev.spool.InvalidRedisUriException;
import dev.spool.JobClient;
import dev.spool.RedisPermissionException;
import dev.spool.Spool;
import dev.spool.SpoolConnectionException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.UnsatisfiedDependencyException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;

/**
 * Turns what stops Spool at start-up into Spring Boot's "APPLICATION FAILED TO START" report,
 * naming the property to check, instead of a stack trace four exceptions deep: a Redis that Spool
 * could not use (the auto-configured Spool connects when it is built), and the failures the starter
 * explains itself ({@link SpoolStartupFailure}: the dashboard's settings, a worker name in use),
 * and a bean that takes a {@link Spool} when a {@link JobClient} bean of the application's own (a
 * test's fake) replaced the auto-configured one: Spring Boot's own report would advise defining a
 * Spool, which connects to Redis. Spool's messages never show the URI's password.
 */
class SpoolStartupFailureAnalyzer implements FailureAnalyzer {
  /** The failed context's beans; null when it failed before there were any. */
  private final ListableBeanFactory beans;

  SpoolStartupFailureAnalyzer(BeanFactory beanFactory) {
    this.beans = beanFactory instanceof ListableBeanFactory l ? l : null;
  }

  @Override
  public FailureAnalysis analyze(Throwable failure) {
    UnsatisfiedDependencyException unsatisfied = null;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof UnsatisfiedDependencyException e) {
        unsatisfied = e; // the innermost names the bean that needs what is missing
      }
      if (t instanceof NoSuchBeanDefinitionException e && Spool.class.equals(e.getBeanType())) {
        FailureAnalysis replaced = spoolReplaced(unsatisfied);
        if (replaced != null) {
          return replaced;
        }
      }
      if (t instanceof SpoolStartupFailure e) {
        return new FailureAnalysis(e.getMessage(), e.action(), e);
      }
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

  private FailureAnalysis spoolReplaced(UnsatisfiedDependencyException unsatisfied) {
    String[] clients = beans == null ? new String[0] : beans.getBeanNamesForType(JobClient.class);
    if (clients.length == 0) {
      return null;
    }
    String needs =
        unsatisfied != null && unsatisfied.getBeanName() != null
            ? "Bean '" + unsatisfied.getBeanName() + "'"
            : "A bean";
    String client = "'" + String.join("', '", clients) + "'";
    return new FailureAnalysis(
        needs
            + " needs a Spool, and there is none: the application's JobClient bean "
            + client
            + " replaces the auto-configured Spool (as a test's FakeJobs or InlineJobs does on"
            + " purpose).",
        "Take a JobClient instead of a Spool where only jobs are enqueued: it then gets "
            + client
            + ". Or remove the JobClient bean, to have the auto-configured Spool back (a Spool"
            + " bean connects to Redis).",
        unsatisfied);
  }
}
