package dev.spool.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Reports bad usage (exit code 2): the problem in one line ({@code spool <command>: <what is
 * wrong>}) and where to read more. A command that only groups others also lists them.
 */
final class UsageErrorReporter implements IParameterExceptionHandler {
  /** Exit code of bad usage. */
  static final int USAGE = 2;

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    Redaction.rememberArgs(args);
    if (Verbosity.isVerbose()) {
      Redaction.printStackTrace(e, err);
    }
    String name = cmd.getCommandSpec().qualifiedName();
    String message = e.getMessage() == null ? "bad usage" : e.getMessage().strip();
    err.println(name + ": " + Redaction.redact(message));
    String option = optionBeforeACommand(e);
    if (option != null) {
      // 'spool --redis URI stats': the common options belong to each command, not to spool.
      err.println(
          "Options go after the command, e.g. 'spool stats "
              + Redaction.redact(option)
              + " …'. Try 'spool --help' for the commands.");
      err.flush();
      return USAGE;
    }
    UnmatchedArgumentException.printSuggestions(e, err);
    if (!cmd.getSubcommands().isEmpty()) {
      err.println();
      cmd.usage(err);
    } else {
      err.println("Try '" + name + " --help' for more information.");
    }
    err.flush();
    return USAGE;
  }

  /** The option given to {@code spool} itself, before any command; null if that is not it. */
  private static String optionBeforeACommand(ParameterException e) {
    if (e.getCommandLine().getParent() != null
        || !(e instanceof UnmatchedArgumentException unmatched)) {
      return null;
    }
    List<String> args = unmatched.getUnmatched();
    if (args.isEmpty() || !args.getFirst().startsWith("-")) {
      return null;
    }
    return args.getFirst();
  }
}
