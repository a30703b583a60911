package dev.spool.bench;

import dev.spool.Spool;
import dev.spool.micrometer.SpoolMetrics;
import dev.spool.opentelemetry.SpoolTracing;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;

/**
 * W1 {@code --observed}: Spool with Micrometer metrics (a SimpleMeterRegistry) and OpenTelemetry
 * tracing (the SDK, every span sampled, no exporter), to measure what the integrations cost.
 */
final class Observability implements AutoCloseable {
  private final SpoolMetrics metrics = new SpoolMetrics();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().build()).build();

  Spool spool(String uri, String namespace) {
    Spool spool =
        Spool.builder()
            .redis(uri)
            .namespace(namespace)
            .listener(metrics)
            .interceptor(new SpoolTracing(otel))
            .build();
    metrics.bindTo(registry);
    metrics.monitor(spool.monitor());
    return spool;
  }

  /** Attempts the meters counted as succeeded: proof that the listener ran. */
  double succeeded() {
    return registry.find("spool.jobs.succeeded").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  @Override
  public void close() {
    otel.close();
    registry.close();
  }
}
