package dev.spool;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;

/** The package rules of spool-core, kept by tests rather than by memory. */
@AnalyzeClasses(packages = "dev.spool", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  /** Time comes from the injected Clock, so tests can move it; the builder's default aside. */
  @ArchTest
  static final ArchRule coreNeverReadsTheWallClock =
      noClasses()
          .that()
          .resideInAnyPackage("dev.spool", "dev.spool.internal..")
          .and()
          .doNotHaveFullyQualifiedName(Spool.Builder.class.getName())
          .should()
          .callMethod(System.class, "currentTimeMillis")
          .orShould()
          .callMethod(Instant.class, "now")
          .orShould()
          .callMethod(LocalDateTime.class, "now")
          .orShould()
          .callMethod(ZonedDateTime.class, "now")
          .orShould()
          .callMethod(Clock.class, "systemUTC")
          .orShould()
          .callMethod(Clock.class, "systemDefaultZone");

  /** The features inside core depend on each other in one direction only. */
  @ArchTest
  static final ArchRule internalFeaturesHaveNoCycles =
      slices().matching("dev.spool.internal.(*)..").should().beFreeOfCycles();

  /** Lettuce stays behind the internal stores: the public API neither uses nor exposes it. */
  @ArchTest
  static final ArchRule theRedisClientStaysInternal =
      noClasses()
          .that()
          .resideInAPackage("dev.spool")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.lettuce..");
}
