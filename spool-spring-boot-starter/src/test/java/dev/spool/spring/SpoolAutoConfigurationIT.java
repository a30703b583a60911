package dev.spool.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spool.JobContext;
import dev.spool.JobType;
import dev.spool.Spool;
import dev.spool.dashboard.SpoolDashboard;
import dev.spool.micrometer.SpoolMetrics;
import dev.spool.opentelemetry.SpoolTracing;
import dev.spool.testkit.SpoolRedis;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;
import org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class SpoolAutoConfigurationIT {
  @RegisterExtension static SpoolRedis redis = SpoolRedis.embedded();

  record Greeting(String to) {}

  static final JobType<Greeting> GREET = JobType.of("greet", Greeting.class).withQueue("greetings");

  /** What the handler bean saw, by recipient: the MDC of its thread. */
  static final Map<String, Map<String, String>> seen = new ConcurrentHashMap<>();

  @Configuration(proxyBeanMethods = false)
  static class Handlers {
    @Bean
    SpoolHandler<Greeting> greeter() {
      return new SpoolHandler<>() {
        @Override
        public JobType<Greeting> type() {
          return GREET;
        }

        @Override
        public void handle(JobContext job, Greeting args) {
          Map<String, String> mdc = MDC.getCopyOfContextMap();
          Map<String, String> run = new java.util.HashMap<>(mdc == null ? Map.of() : mdc);
          Thread t = Thread.currentThread();
          run.put("thread", t.isVirtual() ? "virtual" : t.getName());
          seen.put(args.to(), run);
        }
      };
    }
  }

  static final JobType<Greeting> FAILING =
      JobType.of("failing", Greeting.class).withQueue("failing");

  /** Runs of the failing handler, by argument. */
  static final Map<String, java.util.concurrent.atomic.AtomicInteger> failedRuns =
      new ConcurrentHashMap<>();

  @Configuration(proxyBeanMethods = false)
  static class FailingHandler {
    @Bean
    SpoolHandler<Greeting> failing() {
      return new SpoolHandler<>() {
        @Override
        public JobType<Greeting> type() {
          return FAILING;
        }

        @Override
        public void handle(JobContext job, Greeting args) {
          failedRuns
              .computeIfAbsent(args.to(), k -> new java.util.concurrent.atomic.AtomicInteger())
              .incrementAndGet();
          throw args.to().equals("final")
              ? new IllegalStateException("no retry mends this")
              : new RuntimeException("try again");
        }
      };
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Tracing {
    static final InMemorySpanExporter exporter = InMemorySpanExporter.create();

    @Bean(destroyMethod = "close")
    OpenTelemetrySdk openTelemetry() {
      return OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .build();
    }
  }

  private ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(
            AutoConfigurations.of(
                SpoolMetricsAutoConfiguration.class,
                SpoolTracingAutoConfiguration.class,
                SpoolAutoConfiguration.class,
                SpoolHealthAutoConfiguration.class,
                SpoolDashboardAutoConfiguration.class))
        .withPropertyValues(
            "spool.redis.uri=" + redis.uri(),
            "spool.namespace=" + SpoolRedis.namespace(),
            "spool.worker.name=app-node",
            "spool.worker.concurrency=3",
            "spool.worker.shutdown-timeout=2s");
  }

  @Test
  void theRetryPropertiesAreThePolicyOfTypesThatNameNone() {
    runner()
        .withUserConfiguration(FailingHandler.class)
        .withPropertyValues(
            "spool.worker.queues=failing",
            "spool.retry.attempts=3",
            "spool.retry.first-delay=10ms",
            "spool.retry.multiplier=1.5",
            "spool.retry.jitter=0",
            "spool.retry.no-retry-for=java.lang.IllegalStateException")
        .run(
            context -> {
              Spool spool = context.getBean(Spool.class);
              spool.enqueue(FAILING, new Greeting("flaky"));
              spool.enqueue(FAILING, new Greeting("final"));
              await()
                  .atMost(Duration.ofSeconds(10))
                  .until(() -> spool.deadJobs().size("failing") == 2);
              assertThat(failedRuns.get("flaky")).hasValue(3);
              assertThat(failedRuns.get("final")).hasValue(1);
            });
  }

  @Test
  void weightedQueuesAreFetchedByTheWorker() {
    runner()
        .withUserConfiguration(Handlers.class, FailingHandler.class)
        .withPropertyValues("spool.worker.queues=greetings=6,failing")
        .run(
            context -> {
              context.getBean(Spool.class).enqueue(GREET, new Greeting("weighted"));
              await().atMost(Duration.ofSeconds(10)).until(() -> seen.containsKey("weighted"));
            });
  }

  @Test
  void platformThreadsRunTheHandlersWhenAsked() {
    runner()
        .withUserConfiguration(Handlers.class)
        .withPropertyValues("spool.worker.platform-threads=true")
        .run(
            context -> {
              context.getBean(Spool.class).enqueue(GREET, new Greeting("grace"));
              await().atMost(Duration.ofSeconds(10)).until(() -> seen.containsKey("grace"));
              assertThat(seen.get("grace").get("thread")).startsWith("spool-handler-app-node-");
            });
  }

  @Test
  void handlerBeansRunOnAWorkerThatFollowsTheContext() {
    runner()
        .withUserConfiguration(Handlers.class)
        .run(
            context -> {
              Spool spool = context.getBean(Spool.class);
              spool.enqueue(GREET, new Greeting("ada"));
              await().atMost(Duration.ofSeconds(10)).until(() -> seen.containsKey("ada"));
              assertThat(seen.get("ada"))
                  .containsEntry("spool.jobType", "greet")
                  .containsEntry("spool.queue", "greetings")
                  .containsEntry("spool.node", "app-node")
                  .containsEntry("spool.attempt", "0")
                  .containsEntry("thread", "virtual")
                  .containsKey("spool.jobId");
              SpoolWorkerLifecycle lifecycle = context.getBean(SpoolWorkerLifecycle.class);
              assertThat(lifecycle.isRunning()).isTrue();
              assertThat(lifecycle.worker().concurrency()).isEqualTo(3);
              var health = context.getBean(SpoolHealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails()).containsEntry("nodeRegistered", true);
              context.stop();
              assertThat(lifecycle.isRunning()).isFalse();
            });
  }

  @Test
  void withoutHandlersOrWithTheWorkerDisabledThereIsNoWorker() {
    runner()
        .run(
            context ->
                assertThat(context)
                    .hasSingleBean(Spool.class)
                    .doesNotHaveBean(SpoolWorkerLifecycle.class));
    runner()
        .withUserConfiguration(Handlers.class)
        .withPropertyValues("spool.worker.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(SpoolWorkerLifecycle.class));
  }

  @Test
  void metricsAreBoundToTheApplicationsRegistry() {
    runner()
        .withConfiguration(
            AutoConfigurations.of(
                MetricsAutoConfiguration.class,
                CompositeMeterRegistryAutoConfiguration.class,
                SimpleMetricsExportAutoConfiguration.class))
        .withUserConfiguration(Handlers.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(SpoolMetrics.class);
              MeterRegistry registry = context.getBean(MeterRegistry.class);
              context.getBean(Spool.class).enqueue(GREET, new Greeting("bob"));
              await()
                  .atMost(Duration.ofSeconds(10))
                  .until(
                      () -> {
                        var c =
                            registry.find("spool.jobs.succeeded").tag("type", "greet").counter();
                        return c != null && c.count() == 1;
                      });
              assertThat(
                      registry
                          .get("spool.worker.concurrency")
                          .tag("node", "app-node")
                          .gauge()
                          .value())
                  .isEqualTo(3);
              // Registered by a read of the counts that the first job started.
              await()
                  .atMost(Duration.ofSeconds(10))
                  .until(
                      () ->
                          registry
                                  .find("spool.queue.jobs")
                                  .tags("queue", "greetings", "state", "dead")
                                  .gauge()
                              != null);
            });
  }

  @Test
  void theDashboardIsServedWhenEnabledAndOnlyThen() throws Exception {
    runner().run(context -> assertThat(context).doesNotHaveBean(SpoolDashboard.class));
    runner()
        .withPropertyValues("spool.dashboard.enabled=true", "spool.dashboard.port=0")
        .run(
            context -> {
              SpoolDashboard dashboard = context.getBean(SpoolDashboard.class);
              assertThat(dashboard.url()).startsWith("http://127.0.0.1:");
              HttpResponse<String> overview =
                  HttpClient.newHttpClient()
                      .send(
                          HttpRequest.newBuilder(URI.create(dashboard.url() + "api/overview"))
                              .build(),
                          HttpResponse.BodyHandlers.ofString());
              assertThat(overview.statusCode()).isEqualTo(200);
              assertThat(overview.body()).contains("queues");
            });
  }

  @Test
  void anOpenTelemetryBeanTurnsTracingOn() {
    runner().run(context -> assertThat(context).doesNotHaveBean(SpoolTracing.class));
    runner()
        .withUserConfiguration(Tracing.class, Handlers.class)
        .run(
            context -> {
              assertThat(context).hasSingleBean(SpoolTracing.class);
              assertThat(context).hasSingleBean(OpenTelemetry.class);
              context.getBean(Spool.class).enqueue(GREET, new Greeting("eve"));
              await()
                  .atMost(Duration.ofSeconds(10))
                  .until(
                      () ->
                          Tracing.exporter.getFinishedSpanItems().stream()
                              .anyMatch(s -> s.getKind() == SpanKind.CONSUMER));
            });
  }
}
