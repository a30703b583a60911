package dev.spool.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.context.annotation.Conditional;

/**
 * Matches when a boolean {@code spool.*.enabled} property is on as Spring binds it ({@code true},
 * {@code yes}, {@code on}, {@code 1} …), as {@link SpoolProperties} reads it. Spring's
 * {@code @ConditionalOnProperty} compares the text with {@code "true"} or {@code "false"} only, so
 * {@code spool.worker.enabled=no} would bind to false and still run the worker.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Documented
@Conditional(OnSwitchCondition.class)
@interface ConditionalOnSwitch {
  /** The property, e.g. {@code spool.worker.enabled}. */
  String value();

  /** Whether the switch is on when the property is not set. */
  boolean onIfMissing();
}
