package dev.spool.spring.testing;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An application as users write one, for the tests of docs/testing.md's Spring Boot recipes: its
 * own package, so that {@code @SpringBootTest} finds it as it finds theirs, with every
 * auto-configuration of the class path (web, Actuator, Micrometer, OpenTelemetry).
 */
@SpringBootApplication
public class SignupApplication {}
