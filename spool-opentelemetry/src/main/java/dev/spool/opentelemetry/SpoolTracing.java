package dev.spool.opentelemetry;

import dev.spool.EnqueueCall;
import dev.spool.JobEvent;
import dev.spool.JobId;
import dev.spool.JobInterceptor;
import dev.spool.RunLaterException;
import dev.spool.Spool;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * OpenTelemetry tracing for Spool, registered with {@link Spool.Builder#interceptor}:
 *
 * <ul>
 *   <li>each enqueue call opens a {@link SpanKind#PRODUCER} span {@code send <queue>}, and stores
 *       its W3C trace context ({@code traceparent}, {@code tracestate}) with the call's jobs;
 *   <li>each attempt of a job opens a {@link SpanKind#CONSUMER} span {@code process <queue>} whose
 *       parent is that stored context, current while the handler and its callbacks or errbacks run,
 *       so that their own spans join the trace; a handler that throws marks it as an error, and so
 *       does an attempt that fails before its handler (no handler for the type, arguments that
 *       cannot be read) or that the node takes from its handler (handed back at shutdown, or
 *       abandoned when its lease was lost: a {@code CancellationException} is recorded).
 * </ul>
 *
 * Attributes follow the OpenTelemetry messaging semantic conventions ({@code messaging.system} is
 * {@code spool}), plus {@code spool.job.type} and {@code spool.job.attempt}.
 *
 * <pre>{@code
 * Spool spool = Spool.builder().redis(uri).interceptor(new SpoolTracing(openTelemetry)).build();
 * }</pre>
 */
public final class SpoolTracing implements JobInterceptor {
  /** The instrumentation scope name of Spool's tracer. */
  public static final String INSTRUMENTATION_NAME = "dev.spool";

  static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> OPERATION_TYPE =
      AttributeKey.stringKey("messaging.operation.type");
  static final AttributeKey<String> OPERATION_NAME =
      AttributeKey.stringKey("messaging.operation.name");
  static final AttributeKey<String> DESTINATION =
      AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
  static final AttributeKey<Long> BATCH_COUNT =
      AttributeKey.longKey("messaging.batch.message_count");
  static final AttributeKey<String> CLIENT_ID = AttributeKey.stringKey("messaging.client.id");
  static final AttributeKey<String> JOB_TYPE = AttributeKey.stringKey("spool.job.type");
  static final AttributeKey<Long> JOB_ATTEMPT = AttributeKey.longKey("spool.job.attempt");

  /** Set on a run whose handler asked to run later: how long the job waits (no error status). */
  static final AttributeKey<Long> POSTPONED_MS = AttributeKey.longKey("spool.job.postponed_ms");

  private static final TextMapGetter<Map<String, String>> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  private final Tracer tracer;
  private final TextMapPropagator propagator = W3CTraceContextPropagator.getInstance();

  public SpoolTracing(OpenTelemetry openTelemetry) {
    this.tracer =
        Objects.requireNonNull(openTelemetry, "openTelemetry").getTracer(INSTRUMENTATION_NAME);
  }

  @Override
  public <T> T aroundEnqueue(EnqueueCall call, Supplier<T> proceed) {
    String queue = call.queue();
    SpanBuilder builder =
        tracer
            .spanBuilder(queue == null ? "send" : "send " + queue)
            .setSpanKind(SpanKind.PRODUCER)
            .setAttribute(MESSAGING_SYSTEM, "spool")
            .setAttribute(OPERATION_TYPE, "send")
            .setAttribute(OPERATION_NAME, "send");
    if (queue != null) {
      builder.setAttribute(DESTINATION, queue);
    }
    if (call.type() != null) {
      builder.setAttribute(JOB_TYPE, call.type());
    }
    if (call.jobs() > 1) {
      builder.setAttribute(BATCH_COUNT, (long) call.jobs());
    }
    Span span = builder.startSpan();
    try (Scope ignored = span.makeCurrent()) {
      propagator.inject(Context.current(), call, EnqueueCall::header);
      return proceed.get();
    } catch (RuntimeException | Error e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR);
      throw e;
    } finally {
      span.end();
    }
  }

  @Override
  public void aroundRun(JobEvent job, Map<String, String> headers, Attempt proceed)
      throws Exception {
    Context parent = propagator.extract(Context.root(), headers, HEADERS);
    Span span =
        tracer
            .spanBuilder("process " + job.queue())
            .setSpanKind(SpanKind.CONSUMER)
            .setParent(parent)
            .setAttribute(MESSAGING_SYSTEM, "spool")
            .setAttribute(OPERATION_TYPE, "process")
            .setAttribute(OPERATION_NAME, "process")
            .setAttribute(DESTINATION, job.queue())
            .setAttribute(MESSAGE_ID, job.id().toString())
            .setAttribute(CLIENT_ID, job.node())
            .setAttribute(JOB_TYPE, job.type())
            .setAttribute(JOB_ATTEMPT, (long) job.attempt())
            .startSpan();
    try (Scope ignored = span.makeCurrent()) {
      proceed.run();
    } catch (RunLaterException later) {
      // No failure: the job asked to run again later, with no attempt used.
      span.setAttribute(POSTPONED_MS, later.delay().toMillis());
      throw later;
    } catch (Exception | Error e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
      throw e;
    } finally {
      span.end();
    }
  }

  /**
   * The stages chained on an outcome future run in the context of the thread that asked for it, so
   * that what the enqueuer does with the result stays in its trace.
   */
  @Override
  public UnaryOperator<Runnable> aroundOutcome(JobId id) {
    Context caller = Context.current();
    return complete -> caller.wrap(complete);
  }
}
