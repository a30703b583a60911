package com.example.signup;

import com.example.signup.Jobs.Welcome;
import dev.spool.JobId;
import dev.spool.Spool;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

// snippet: spring-enqueue
/** Enqueues from a request: the Spool bean is auto-configured from spool.* properties. */
@RestController
class SignupController {
  private final Spool spool;

  SignupController(Spool spool) {
    this.spool = spool;
  }

  @PostMapping("/signups")
  @ResponseStatus(HttpStatus.ACCEPTED)
  Map<String, String> signUp(@RequestParam("email") String email) {
    JobId id = spool.enqueue(Jobs.WELCOME, new Welcome(email));
    return Map.of("job", id.toString());
  }
}
// end snippet
