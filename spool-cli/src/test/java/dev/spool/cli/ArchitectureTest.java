package dev.spool.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.spool.Monitor;

/** The command line is a client of the public API, like any application. */
@AnalyzeClasses(packages = "dev.spool.cli", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  @ArchTest
  static final ArchRule theCliUsesOnlyThePublicApi =
      noClasses()
          .that()
          .resideInAPackage("dev.spool.cli..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage("dev.spool.internal..", "io.lettuce..");

  /**
   * {@code Monitor.jobsFor(node)} reads the leases of every queue: once per node, {@code spool
   * nodes --json} read them all as many times as there are nodes. {@code jobsByNode()} reads them
   * once.
   */
  @ArchTest
  static final ArchRule theCliReadsTheJobsOfAllNodesAtOnce =
      noClasses()
          .that()
          .resideInAPackage("dev.spool.cli..")
          .should()
          .callMethod(Monitor.class, "jobsFor", String.class);
}
