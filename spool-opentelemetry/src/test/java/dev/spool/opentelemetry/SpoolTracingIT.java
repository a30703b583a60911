package dev.spool.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.JobId;
import dev.spool.JobType;
import dev.spool.Retry;
import dev.spool.Spool;
import dev.spool.Worker;
import dev.spool.testkit.SpoolRedis;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SpoolTracingIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  record Mail(String to) {}

  static final JobType<Mail> MAIL =
      JobType.of("mail", Mail.class)
          .withQueue("mails")
          .withRetry(Retry.fixed(2, Duration.ofMillis(20)));

  final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  OpenTelemetrySdk otel;
  Spool spool;

  @BeforeEach
  void setUp() {
    otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .build();
    String uri = redis.uri();
    OpenTelemetry openTelemetry = otel;
    // snippet: opentelemetry-setup
    Spool.Builder builder = Spool.builder().redis(uri).interceptor(new SpoolTracing(openTelemetry));
    // end snippet
    spool = builder.namespace(SpoolRedis.namespace()).build();
  }

  @AfterEach
  void tearDown() {
    spool.close();
    otel.close();
  }

  private List<SpanData> spans(SpanKind kind) {
    return exporter.getFinishedSpanItems().stream().filter(s -> s.getKind() == kind).toList();
  }

  @Test
  void theWorkersSpanContinuesTheTraceOfTheEnqueue() {
    Tracer tracer = otel.getTracer("test");
    Span request = tracer.spanBuilder("POST /signup").startSpan();
    JobId id;
    try (Scope ignored = request.makeCurrent()) {
      id = spool.enqueue(MAIL, new Mail("a@b.c"));
    } finally {
      request.end();
    }
    spool
        .worker("node-1")
        .handle(MAIL, (job, m) -> tracer.spanBuilder("smtp").startSpan().end())
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> spans(SpanKind.CONSUMER).size() == 1);

    SpanData send = spans(SpanKind.PRODUCER).getFirst();
    SpanData process = spans(SpanKind.CONSUMER).getFirst();
    SpanData smtp =
        exporter.getFinishedSpanItems().stream()
            .filter(s -> s.getName().equals("smtp"))
            .findFirst()
            .orElseThrow();
    assertThat(send.getName()).isEqualTo("send mails");
    assertThat(send.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
    assertThat(send.getAttributes().get(SpoolTracing.DESTINATION)).isEqualTo("mails");
    assertThat(process.getName()).isEqualTo("process mails");
    assertThat(process.getTraceId()).isEqualTo(request.getSpanContext().getTraceId());
    assertThat(process.getParentSpanId()).isEqualTo(send.getSpanId());
    assertThat(process.getAttributes().get(SpoolTracing.MESSAGING_SYSTEM)).isEqualTo("spool");
    assertThat(process.getAttributes().get(SpoolTracing.OPERATION_TYPE)).isEqualTo("process");
    assertThat(process.getAttributes().get(SpoolTracing.MESSAGE_ID)).isEqualTo(id.toString());
    assertThat(process.getAttributes().get(SpoolTracing.JOB_TYPE)).isEqualTo("mail");
    assertThat(process.getAttributes().get(SpoolTracing.JOB_ATTEMPT)).isZero();
    assertThat(smtp.getParentSpanId()).isEqualTo(process.getSpanId());
  }

  @Test
  void whatTheEnqueuerChainsOnTheOutcomeRunsInItsTrace() throws Exception {
    Tracer tracer = otel.getTracer("test");
    Span request = tracer.spanBuilder("POST /signup").startSpan();
    java.util.concurrent.CompletableFuture<String> seenIn;
    try (Scope ignored = request.makeCurrent()) {
      JobId id = spool.enqueue(MAIL, new Mail("a@b.c"));
      seenIn = spool.outcome(id).thenApply(outcome -> Span.current().getSpanContext().getSpanId());
    } finally {
      request.end();
    }
    spool.worker("node-1").handle(MAIL, (job, m) -> {}).start();
    assertThat(seenIn.get(10, java.util.concurrent.TimeUnit.SECONDS))
        .isEqualTo(request.getSpanContext().getSpanId());
  }

  @Test
  void eachAttemptHasItsSpanAndAFailureMarksItAsAnError() {
    spool.enqueue(MAIL, new Mail("x@y.z"));
    spool
        .worker("node-1")
        .handle(
            MAIL,
            (job, m) -> {
              if (job.attempt() == 0) {
                throw new IllegalStateException("smtp down");
              }
            })
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> spans(SpanKind.CONSUMER).size() == 2);
    SpanData send = spans(SpanKind.PRODUCER).getFirst();
    List<SpanData> attempts = spans(SpanKind.CONSUMER);
    assertThat(attempts)
        .allSatisfy(a -> assertThat(a.getParentSpanId()).isEqualTo(send.getSpanId()));
    assertThat(attempts.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attempts.get(0).getEvents())
        .anySatisfy(e -> assertThat(e.getName()).isEqualTo("exception"));
    assertThat(attempts.get(1).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(attempts.get(1).getAttributes().get(SpoolTracing.JOB_ATTEMPT)).isEqualTo(1);
  }

  @Test
  void aPostponedAttemptIsNoErrorAndSaysHowLongItWaits() {
    spool.enqueue(MAIL, new Mail("x@y.z"));
    spool
        .worker("node-1")
        .handle(
            MAIL,
            (job, m) -> {
              if (job.status().log().isEmpty()) {
                throw new dev.spool.RunLaterException(java.time.Duration.ofMillis(50), "quota");
              }
            })
        .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> spans(SpanKind.CONSUMER).size() == 2);
    SpanData postponed = spans(SpanKind.CONSUMER).getFirst();
    assertThat(postponed.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(postponed.getEvents()).isEmpty();
    assertThat(postponed.getAttributes().get(SpoolTracing.POSTPONED_MS)).isEqualTo(50);
    assertThat(postponed.getAttributes().get(SpoolTracing.JOB_ATTEMPT)).isZero();
  }

  @Test
  void anAttemptThatFailsBeforeItsHandlerHasAnErrorSpan() {
    JobType<Mail> unhandled = JobType.of("unhandled", Mail.class).withQueue("mails");
    spool.enqueue(unhandled, new Mail("x@y.z"));
    spool.worker("node-1").handle(MAIL, (job, m) -> {}).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> !spans(SpanKind.CONSUMER).isEmpty());
    SpanData process = spans(SpanKind.CONSUMER).getFirst();
    assertThat(process.getParentSpanId())
        .isEqualTo(spans(SpanKind.PRODUCER).getFirst().getSpanId());
    assertThat(process.getAttributes().get(SpoolTracing.JOB_TYPE)).isEqualTo("unhandled");
    assertThat(process.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(process.getEvents())
        .anySatisfy(
            e ->
                assertThat(e.getAttributes().get(AttributeKey.stringKey("exception.message")))
                    .contains("no handler registered for type 'unhandled'"));
  }

  @Test
  void anAttemptHandedBackAtShutdownEndsItsSpanAsAnError() {
    spool.enqueue(MAIL, new Mail("x@y.z"));
    CountDownLatch running = new CountDownLatch(1);
    Worker worker =
        spool
            .worker("node-1")
            .shutdownTimeout(Duration.ZERO)
            .handle(
                MAIL,
                (job, m) -> {
                  running.countDown();
                  new CountDownLatch(1).await(); // until the shutdown interrupts it
                })
            .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> running.getCount() == 0);
    worker.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> !spans(SpanKind.CONSUMER).isEmpty());
    SpanData process = spans(SpanKind.CONSUMER).getFirst();
    assertThat(process.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(process.getEvents())
        .anySatisfy(
            e ->
                assertThat(e.getAttributes().get(AttributeKey.stringKey("exception.type")))
                    .isEqualTo(CancellationException.class.getName()));
  }

  @Test
  void aBulkEnqueueIsOneSendSpanForItsJobs() {
    spool.enqueueAll(MAIL, List.of(new Mail("a"), new Mail("b"), new Mail("c")));
    spool.worker("node-1").handle(MAIL, (job, m) -> {}).start();
    await().atMost(Duration.ofSeconds(10)).until(() -> spans(SpanKind.CONSUMER).size() == 3);
    assertThat(spans(SpanKind.PRODUCER)).hasSize(1);
    SpanData send = spans(SpanKind.PRODUCER).getFirst();
    assertThat(send.getAttributes().get(SpoolTracing.BATCH_COUNT)).isEqualTo(3);
    assertThat(spans(SpanKind.CONSUMER))
        .allSatisfy(p -> assertThat(p.getParentSpanId()).isEqualTo(send.getSpanId()));
  }
}
