package dev.spool.cli;

/** The entry point of the {@code spool} command: runs {@link SpoolCommand}, exits with its code. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    int code;
    StopSignal.handleCtrlC();
    try {
      code = SpoolCommand.commandLineFor(args).execute(args);
    } catch (Error e) {
      // picocli reports Exceptions through ErrorReporter and rethrows Errors: report them alike.
      if (Verbosity.isVerbose()) {
        Redaction.printStackTrace(e, new java.io.PrintWriter(System.err, true));
      }
      System.err.println("spool: internal error: " + ErrorReporter.message(e));
      code = ErrorReporter.FAILED;
    }
    System.exit(code);
  }
}
