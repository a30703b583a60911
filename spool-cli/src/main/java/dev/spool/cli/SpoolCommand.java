package dev.spool.cli;

import dev.spool.bench.BenchCommand;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code spool}: the command line of Spool.
 *
 * <p>Exit codes: 0 success, 1 the operation failed (one line on stderr says why), 2 bad usage, 130
 * a second Ctrl-C forced {@code spool worker} or {@code spool demo} to stop.
 */
@Command(
    name = "spool",
    mixinStandardHelpOptions = true,
    versionProvider = SpoolCommand.Version.class,
    description = "Distributed background jobs for the JVM, on Redis.",
    synopsisSubcommandLabel = "COMMAND",
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  success",
      "  1  the operation failed (stderr says why; --verbose adds the stack trace)",
      "  2  bad usage",
      "  130  a second Ctrl-C forced spool worker or spool demo to stop (one Ctrl-C stops any"
          + " command cleanly, with 0)"
    })
public final class SpoolCommand implements Runnable {
  @Spec CommandSpec spec;

  @Mixin Verbosity verbosity;

  /** The commands, in the order {@code spool --help} lists them. */
  private static final List<Class<?>> COMMANDS =
      List.of(
          WorkerCommand.class,
          AotTrainingCommand.class,
          EnqueueCommand.class,
          StatusCommand.class,
          QueryCommand.class,
          StatsCommand.class,
          DeadCommand.class,
          RetryCommand.class,
          KillCommand.class,
          CancelCommand.class,
          NodesCommand.class,
          RecurringCommand.class,
          QueueCommand.class,
          BatchCommand.class,
          DemoCommand.class,
          DashboardCommand.class,
          RedisCommand.class,
          BenchCommand.class);

  /** A command line for {@code spool} with every command, with Spool's error reporting. */
  public static CommandLine commandLine() {
    return commandLine(COMMANDS);
  }

  /**
   * A command line to run {@code args} with: when the first names a command, only that command is
   * modelled. Picocli reads every option of every command by reflection when it builds a command
   * line, a third of a second of start-up that a worker or a one-off enqueue need not pay; help,
   * version and unknown commands get the whole tree.
   */
  public static CommandLine commandLineFor(String... args) {
    if (args.length > 0) {
      for (Class<?> command : COMMANDS) {
        if (command.getAnnotation(Command.class).name().equals(args[0])) {
          return commandLine(List.of(command));
        }
      }
    }
    return commandLine();
  }

  private static CommandLine commandLine(List<Class<?>> commands) {
    CommandLine cli = new CommandLine(new SpoolCommand());
    commands.forEach(cli::addSubcommand);
    withVersion(cli);
    // Set after the subcommands are added, so that they apply to them too.
    return cli.setExecutionExceptionHandler(new ErrorReporter())
        .setParameterExceptionHandler(new UsageErrorReporter())
        .setUsageHelpAutoWidth(true)
        .setCaseInsensitiveEnumValuesAllowed(true)
        // "@file" is no argument file here: JSON arguments go through --args-file or --args -.
        .setExpandAtFiles(false);
  }

  /** Every command's {@code -V, --version} prints spool's version, as {@code spool -V} does. */
  private static void withVersion(CommandLine command) {
    command.getCommandSpec().versionProvider(new Version());
    command.getSubcommands().values().forEach(SpoolCommand::withVersion);
  }

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "choose a command");
  }

  /** The version in the jar's manifest. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = SpoolCommand.class.getPackage().getImplementationVersion();
      return new String[] {
        "spool " + (v == null ? "(development build)" : v),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "?") + ")"
      };
    }
  }
}
