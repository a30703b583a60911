package com.example.signup;

import dev.spool.JobType;

/** The application's job types: a stable stored name, typed arguments, a queue. */
final class Jobs {
  record Welcome(String email) {}

  static final JobType<Welcome> WELCOME = JobType.of("welcome", Welcome.class).withQueue("mail");

  private Jobs() {}
}
