package dev.spool.docs;

import java.util.concurrent.atomic.AtomicInteger;

/** Stands in for a mail client in the docs' examples: hands out message ids. */
final class Mailer {
  private final AtomicInteger sent = new AtomicInteger();

  String send(Object mail) {
    return "msg-" + sent.incrementAndGet();
  }
}
