package dev.spool.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

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
}
