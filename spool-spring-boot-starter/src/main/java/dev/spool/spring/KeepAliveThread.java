package dev.spool.spring;

import java.util.concurrent.CountDownLatch;

/**
 * A non-daemon thread that holds the JVM up until released. The worker's own threads are daemon or
 * virtual, so an application without a web server (a worker process) would otherwise exit as soon
 * as its main method returned, as Spring Boot's spring.main.keep-alive exists to prevent. A
 * shutdown signal still stops the JVM: its hook closes the context, which releases the thread.
 */
final class KeepAliveThread {
  private final CountDownLatch released = new CountDownLatch(1);

  KeepAliveThread(String name) {
    Thread.ofPlatform().daemon(false).name(name).start(this::awaitRelease);
  }

  private void awaitRelease() {
    try {
      released.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void release() {
    released.countDown();
  }
}
