package dev.spool.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spool.Retry;
import dev.spool.Spool;
import dev.spool.Worker;
import dev.spool.micrometer.SpoolMetrics;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;

class SpoolPropertiesTest {
  @Test
  void defaultsAreSpoolsOwn() {
    SpoolProperties p = new SpoolProperties();
    assertThat(p.getNamespace()).isEqualTo(Spool.Builder.DEFAULT_NAMESPACE);
    assertThat(p.getRetention()).isEqualTo(Spool.Builder.DEFAULT_RETENTION);
    assertThat(p.getCommandTimeout()).isEqualTo(Spool.Builder.DEFAULT_COMMAND_TIMEOUT);
    assertThat(p.getWorker().getConcurrency()).isEqualTo(Worker.Builder.DEFAULT_CONCURRENCY);
    assertThat(p.getWorker().getLease()).isEqualTo(Worker.Builder.DEFAULT_LEASE);
    assertThat(p.getWorker().getShutdownTimeout())
        .isEqualTo(Worker.Builder.DEFAULT_SHUTDOWN_TIMEOUT);
    assertThat(p.getWorker().getMaxHandBacks()).isEqualTo(Worker.Builder.DEFAULT_MAX_HAND_BACKS);
    assertThat(p.getMetrics().getCountsMaxAge()).isEqualTo(SpoolMetrics.DEFAULT_COUNTS_MAX_AGE);
    assertThat(p.getRetry().toRetry()).isEqualTo(Retry.DEFAULT);
  }

  /** SectionValues and the unknown-property warning know the sections by name. */
  @Test
  void everySectionIsKnownToSectionValues() {
    List<String> sections =
        Arrays.stream(SpoolProperties.class.getMethods())
            .filter(m -> m.getReturnType().getDeclaringClass() == SpoolProperties.class)
            .map(m -> "spool." + m.getName().substring(3).toLowerCase(Locale.ROOT))
            .toList();
    assertThat(SectionValues.SECTIONS)
        .map(ConfigurationPropertyName::toString)
        .containsExactlyInAnyOrderElementsOf(sections);
  }
}
