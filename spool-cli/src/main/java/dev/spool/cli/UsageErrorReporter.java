package dev.spool.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    String message = plain(e);
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
    if (!asksForHelp(e)) {
      UnmatchedArgumentException.printSuggestions(e, err);
    }
    // A group ('spool dead') only groups commands; 'spool nodes' runs itself too, and a bad
    // option of it is answered as any command's is.
    boolean group =
        !cmd.getSubcommands().isEmpty()
            && !(cmd.getCommandSpec().userObject() instanceof ClientCommand);
    if (group && !(e instanceof UnmatchedArgumentException)) {
      err.println(); // 'spool dead' alone: the commands it groups
      cmd.usage(err);
    } else if (group) {
      err.println("Try '" + name + " --help' for its commands.");
    } else {
      err.println("Try '" + name + " --help' for more information.");
    }
    err.flush();
    return USAGE;
  }

  private static final Pattern INVALID_VALUE =
      Pattern.compile(
          "Invalid value for (?:option '([^']+)'(?: \\([^)]*\\))?|positional parameter at index \\d+ \\(([^)]+)\\)): (.*)",
          Pattern.DOTALL);
  private static final Pattern EXCLUSIVE =
      Pattern.compile("(?:Error: )?(.+) are mutually exclusive \\(specify only one\\)");

  /** 'spool help' or 'spool dead help': no such command, and no near one to suggest. */
  private static boolean asksForHelp(ParameterException e) {
    return e instanceof UnmatchedArgumentException unmatched
        && !e.getCommandLine().getSubcommands().isEmpty()
        && !unmatched.getUnmatched().isEmpty()
        && unmatched.getUnmatched().getFirst().equals("help");
  }

  /** Picocli's message in the words of the rest of spool's messages. */
  static String plain(ParameterException e) {
    String message = e.getMessage() == null ? "bad usage" : e.getMessage().strip();
    if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
      List<String> args = unmatched.getUnmatched();
      boolean groups = !e.getCommandLine().getSubcommands().isEmpty();
      String quoted = "'" + String.join("' '", args) + "'";
      if (asksForHelp(e)) {
        return "there is no 'help' command: help is an option, as in 'spool --help' or 'spool"
            + " COMMAND --help'";
      }
      if (groups && !args.getFirst().startsWith("-")) {
        return "no command '" + args.getFirst() + "'";
      }
      if (args.getFirst().startsWith("-")) {
        return "unknown option '" + args.getFirst() + "'"; // not its value: it may be a secret
      }
      return (args.size() == 1 ? "unexpected argument " : "unexpected arguments ") + quoted;
    }
    Matcher invalid = INVALID_VALUE.matcher(message);
    if (invalid.matches()) {
      String what = invalid.group(1) != null ? invalid.group(1) : invalid.group(2);
      return what + ": " + invalid.group(3);
    }
    Matcher exclusive = EXCLUSIVE.matcher(message);
    if (exclusive.matches()) {
      List<String> options =
          Arrays.stream(exclusive.group(1).split(",\\s*"))
              .map(o -> o.replaceAll("=.*", "").strip())
              .toList();
      return String.join(" and ", options) + " cannot be used together: give one of them";
    }
    return message.replaceFirst("^Error: ", "");
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
