package dev.spool.spring.testing;

import dev.spool.JobClient;
import dev.spool.JobType;
import org.springframework.stereotype.Service;

/** Enqueues through a JobClient: the Spool bean in production, a FakeJobs in a unit test. */
@Service
class Signups {
  record Welcome(String email) {}

  static final JobType<Welcome> WELCOME = JobType.of("welcome", Welcome.class).withQueue("mail");

  private final JobClient jobs;

  Signups(JobClient jobs) {
    this.jobs = jobs;
  }

  void signUp(String email) {
    jobs.enqueue(WELCOME, new Welcome(email));
  }
}
