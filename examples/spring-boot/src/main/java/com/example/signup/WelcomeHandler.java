package com.example.signup;

import com.example.signup.Jobs.Welcome;
import dev.spool.JobContext;
import dev.spool.JobType;
import dev.spool.spring.SpoolHandler;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

// snippet: spring-handler
/** Runs the welcome jobs: the starter registers every SpoolHandler bean with its worker. */
@Component
class WelcomeHandler implements SpoolHandler<Welcome> {
  private static final Logger log = LoggerFactory.getLogger(WelcomeHandler.class);

  final Set<String> welcomed = ConcurrentHashMap.newKeySet();

  @Override
  public JobType<Welcome> type() {
    return Jobs.WELCOME;
  }

  @Override
  public void handle(JobContext job, Welcome welcome) {
    log.info("welcoming {}", welcome.email()); // the MDC names the job: spool.jobId, ...
    welcomed.add(welcome.email());
    job.put("sent", true);
  }
}
// end snippet
