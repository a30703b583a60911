package dev.spool.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * examples/handlers-example is built on its own (it is no module of the root build): these checks
 * keep it building on a machine whose default java is older than 21, and its code in step with the
 * API.
 */
class HandlersExampleTest {
  private static final Path ROOT = DocSnippets.findRoot();
  private static final Path EXAMPLE = ROOT.resolve("examples/handlers-example");

  @Test
  void theExampleSelectsAJdkToolchainAsTheRootBuildDoes() throws Exception {
    String rootRange = toolchainVersion(ROOT.resolve("pom.xml"));

    assertThat(rootRange).isEqualTo("[21,)");
    assertThat(toolchainVersion(EXAMPLE.resolve("pom.xml")))
        .as("the JDK range of maven-toolchains-plugin in examples/handlers-example/pom.xml")
        .isEqualTo(rootRange);
  }

  @Test
  void theExampleCompilesWithoutWarningsAgainstTheCurrentApi(@TempDir Path classes)
      throws IOException {
    List<Path> sources;
    try (Stream<Path> files = Files.walk(EXAMPLE.resolve("src/main/java"))) {
      sources = files.filter(p -> p.toString().endsWith(".java")).toList();
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter diagnostics = new StringWriter();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
      Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(sources);
      List<String> options =
          List.of(
              "--release",
              "21",
              "-Xlint:all",
              "-Werror",
              "-proc:none",
              "-cp",
              System.getProperty("java.class.path"),
              "-d",
              classes.toString());

      boolean compiled = javac.getTask(diagnostics, files, null, options, null, units).call();

      assertThat(compiled).as(diagnostics.toString()).isTrue();
    }
    assertThat(sources).isNotEmpty();
    assertThat(classes.resolve("com/example/handlers/ExampleHandlers.class")).exists();
  }

  @Test
  void theReadmeSaysPlainJavacAndJavaNeedAJdk21() throws IOException {
    String readme = Files.readString(EXAMPLE.resolve("README.md"));
    int javac = readme.indexOf("\njavac ");
    int java = readme.indexOf("\njava -cp ");

    assertThat(javac).isPositive();
    assertThat(java).isPositive();
    // A default Java 17 fails both (UnsupportedClassVersionError): the README says so first.
    String beforeJavac = readme.substring(0, javac);
    assertThat(beforeJavac.substring(beforeJavac.lastIndexOf("## ")))
        .contains("JDK\n21+")
        .contains("export JAVA_HOME=/usr/lib/jvm/");
    String beforeJava = readme.substring(0, java);
    String paragraph = beforeJava.substring(beforeJava.lastIndexOf("\n\n", java - 8));
    assertThat(paragraph).contains("plain `java`").contains("Java 21+");
  }

  /** The {@code <version>} range configured for maven-toolchains-plugin in a pom. */
  private static String toolchainVersion(Path pom) throws Exception {
    NodeList plugins =
        DocumentBuilderFactory.newInstance()
            .newDocumentBuilder()
            .parse(pom.toFile())
            .getElementsByTagName("plugin");
    for (int i = 0; i < plugins.getLength(); i++) {
      Element plugin = (Element) plugins.item(i);
      String artifactId = plugin.getElementsByTagName("artifactId").item(0).getTextContent();
      if (artifactId.equals("maven-toolchains-plugin")) {
        Element configuration = (Element) plugin.getElementsByTagName("configuration").item(0);
        return configuration.getElementsByTagName("version").item(0).getTextContent().strip();
      }
    }
    return "(no maven-toolchains-plugin)";
  }
}
