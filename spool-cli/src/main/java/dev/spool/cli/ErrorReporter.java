package dev.spool.cli;

import dev.spool.SpoolException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Reports a failed command as one line on stderr ({@code spool: <what went wrong>}), with the stack
 * trace only under {@code --verbose}; exit code 1.
 */
final class ErrorReporter implements IExecutionExceptionHandler {
  /** Exit code of a command that started but failed. */
  static final int FAILED = 1;

  @Override
  public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parsed) {
    PrintWriter err = commandLine.getErr();
    if (Verbosity.isVerbose()) {
      Redaction.printStackTrace(e, err);
    }
    err.println("spool: " + message(e));
    err.flush();
    return FAILED;
  }

  /**
   * A one-line description of a failure, without any password a Redis URI may carry. Expected
   * failures (Redis unreachable, bad input, a server that would not start) show their message;
   * anything else its type too.
   */
  static String message(Throwable e) {
    boolean expected =
        e instanceof SpoolException
            || e instanceof CommandFailedException
            || e instanceof IllegalArgumentException
            || e instanceof IllegalStateException
            || e instanceof UncheckedIOException
            || e instanceof IOException;
    String text = e.getMessage();
    if (text == null || text.isBlank()) {
      text = e.getClass().getSimpleName();
      expected = false;
    } else if (!expected) {
      text = e.getClass().getSimpleName() + ": " + text;
    }
    List<String> lines = text.strip().lines().toList();
    String line = lines.get(0).strip();
    if (lines.size() > 1) {
      line = closeParentheses(line + " …"); // the rest is on lines not shown
    }
    if ((lines.size() > 1 || !expected) && !Verbosity.isVerbose()) {
      line += " (--verbose shows more)";
    }
    return Redaction.redact(line);
  }

  /** The line with a ')' for each '(' it leaves open (a first line cut from a longer message). */
  private static String closeParentheses(String line) {
    int open = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '(') {
        open++;
      } else if (c == ')' && open > 0) {
        open--;
      }
    }
    return line + ")".repeat(open);
  }
}
