package com.example.signup;

import com.example.signup.Jobs.Welcome;
import dev.spool.JobClient;
import dev.spool.JobId;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

// snippet: spring-enqueue
/**
 * Enqueues from a request, through a JobClient: the Spool bean auto-configured from spool.*
 * properties, or a FakeJobs bean of a test's own.
 */
@RestController
class SignupController {
  private final JobClient jobs;

  SignupController(JobClient jobs) {
    this.jobs = jobs;
  }

  @PostMapping("/signups")
  @ResponseStatus(HttpStatus.ACCEPTED)
  Map<String, String> signUp(@RequestParam("email") String email) {
    JobId id = jobs.enqueue(Jobs.WELCOME, new Welcome(email));
    return Map.of("job", id.toString());
  }
}
// end snippet
