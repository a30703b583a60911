package dev.spool.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java in README.md and docs/*.md is code that compiles and runs: each block is a region of a
 * tested source file (see {@link DocSnippets}), so the docs cannot drift from the API again.
 */
class DocSnippetsTest {
  @Test
  void everyJavaBlockOfTheDocsIsARegionOfATestedSourceFile() throws IOException {
    Path root = DocSnippets.findRoot();
    List<Path> markdown = new ArrayList<>();
    markdown.add(root.resolve("README.md"));
    try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(markdown::add);
    }
    DocSnippets snippets = new DocSnippets(root);

    List<String> problems = markdown.stream().flatMap(md -> snippets.check(md).stream()).toList();

    assertThat(problems).withFailMessage("%s", String.join("\n", problems)).isEmpty();
  }

  @Test
  void aBlockThatDriftedFromItsRegionIsReportedWithTheDifferingLine(@TempDir Path root)
      throws IOException {
    Files.writeString(
        root.resolve("Example.java"),
        """
        class Example {
          void run() {
            // snippet: greet
            greet("ada");
            greet("bob");
            // end snippet
          }
        }
        """);
    Path doc =
        Files.writeString(
            root.resolve("doc.md"),
            """
            Text.

            <!-- snippet: greet (Example.java) -->
            ```java
            greet("ada");
            greet("eve");
            ```
            """);

    assertThat(new DocSnippets(root).check(doc))
        .singleElement()
        .asString()
        .startsWith("doc.md:4: snippet 'greet': differs from Example.java at line 2")
        .contains("doc:  greet(\"eve\");", "code: greet(\"bob\");");
  }

  @Test
  void aBlockWithoutAMarkerOrWithAnUnknownRegionIsReported(@TempDir Path root) throws IOException {
    Files.writeString(root.resolve("Example.java"), "class Example {}\n");
    Path doc =
        Files.writeString(
            root.resolve("doc.md"),
            """
            ```java
            untested();
            ```

              <!-- snippet: gone (Example.java) -->
              ```java
              greet("ada");
              ```
            """);

    assertThat(new DocSnippets(root).check(doc))
        .containsExactly(
            "doc.md:1: a ```java block without a '<!-- snippet: NAME (path/to/Source.java) -->'"
                + " line right before it",
            "doc.md:6: snippet 'gone': no region '// snippet: gone' … '// end snippet' in"
                + " Example.java");
  }

  @Test
  void indentedBlocksMatchTheirRegionWhateverTheIndentation(@TempDir Path root) throws IOException {
    Files.writeString(
        root.resolve("Example.java"),
        """
        class Example {
              // snippet: call
              if (ready) {
                go();
              }
              // end snippet
        }
        """);
    Path doc =
        Files.writeString(
            root.resolve("doc.md"),
            """
            - A bullet:
              <!-- snippet: call (Example.java) -->
              ```java
              if (ready) {
                go();
              }
              ```
            """);

    assertThat(new DocSnippets(root).check(doc)).isEmpty();
  }
}
