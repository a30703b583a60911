package dev.spool.spring.testing;

import dev.spool.JobContext;
import dev.spool.JobType;
import dev.spool.spring.SpoolHandler;
import dev.spool.spring.testing.Signups.Welcome;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/** Runs the welcome jobs, on the worker the starter starts for it when there is a Spool. */
@Component
class WelcomeHandler implements SpoolHandler<Welcome> {
  final Set<String> welcomed = ConcurrentHashMap.newKeySet();

  @Override
  public JobType<Welcome> type() {
    return Signups.WELCOME;
  }

  @Override
  public void handle(JobContext job, Welcome welcome) {
    welcomed.add(welcome.email());
  }
}
