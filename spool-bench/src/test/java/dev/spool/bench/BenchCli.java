package dev.spool.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** {@code bench …} run in the test's JVM: its exit code and what it printed. */
public record BenchCli(int exit, String out, String err) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static BenchCli run(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new BenchCommand());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int exit = cmd.execute(args.toArray(String[]::new));
    return new BenchCli(exit, out.toString(), err.toString());
  }

  /**
   * The lines of stdout as JSON objects: every non-blank line if {@code everyLine} (a line that is
   * no JSON fails), else the lines that start with '{' (a command that also prints a table).
   */
  public List<JsonNode> jsonLines(boolean everyLine) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (everyLine ? !line.isBlank() : line.startsWith("{")) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }
}
