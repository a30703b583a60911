package dev.spool.dashboard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The dashboard is a client of the public API, like the command line. */
@AnalyzeClasses(
    packages = "dev.spool.dashboard",
    importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule theDashboardUsesOnlyThePublicApi =
      noClasses()
          .that()
          .resideInAPackage("dev.spool.dashboard..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.spool.internal..", "io.lettuce..");
}
