package dev.spool.cli;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Proxy;

/**
 * Runs an action on each SIGINT (Ctrl-C) instead of the JVM's shutdown, so that a second Ctrl-C can
 * be told from the first: a shutdown hook cannot, as the JVM ignores signals once it is shutting
 * down. The only way in pure Java is {@code sun.misc.Signal} (module jdk.unsupported). It is
 * reached through method handles, not named in the code: javac warns about every direct use of this
 * proprietary API, and the warning cannot be suppressed (the build compiles with -Xlint:all). Where
 * it is missing, {@link #install} returns null and the JVM's own handling stays. A signal ignored
 * when the JVM started (SIGINT of a job started with {@code &} by a shell without job control, as
 * POSIX asks for background jobs) stays ignored, as the JVM itself keeps it: {@link #install}
 * returns a handler whose {@link #ignored()} is true, and the action never runs.
 */
final class SigintHandler {
  private final MethodHandle handle;
  private final Object signal;
  private final Object previous;
  private final boolean ignored;

  private SigintHandler(MethodHandle handle, Object signal, Object previous, boolean ignored) {
    this.handle = handle;
    this.signal = signal;
    this.previous = previous;
    this.ignored = ignored;
  }

  /**
   * Runs {@code action} on every SIGINT from now on; null if that is not possible here, a handler
   * whose {@link #ignored()} is true if SIGINT is ignored in this process.
   */
  static SigintHandler install(Runnable action) {
    return install("INT", action);
  }

  /**
   * Runs {@code action} on every signal of this name ({@code INT}, {@code TERM}) from now on,
   * instead of the JVM's shutdown; null if that is not possible here, a handler whose {@link
   * #ignored()} is true (and that never runs {@code action}) if the signal is ignored.
   */
  static SigintHandler install(String name, Runnable action) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      Object signal =
          lookup
              .findConstructor(signalClass, MethodType.methodType(void.class, String.class))
              .invoke(name);
      MethodHandle handle =
          lookup.findStatic(
              signalClass,
              "handle",
              MethodType.methodType(handlerClass, signalClass, handlerClass));
      Object ignored = lookup.findStaticGetter(handlerClass, "SIG_IGN", handlerClass).invoke();
      Object previous = handle.invoke(signal, proxy(handlerClass, action));
      if (previous == ignored) {
        // The signal was ignored when the JVM started: the JVM keeps it so, and so do we.
        handle.invoke(signal, ignored);
        return new SigintHandler(handle, signal, ignored, true);
      }
      return new SigintHandler(handle, signal, previous, false);
    } catch (Throwable e) {
      return null; // no sun.misc.Signal, or SIGINT reserved (-Xrs): the JVM's handling stays
    }
  }

  /** A {@code sun.misc.SignalHandler} whose {@code handle(Signal)} runs {@code action}. */
  private static Object proxy(Class<?> handlerClass, Runnable action) {
    return Proxy.newProxyInstance(
        handlerClass.getClassLoader(),
        new Class<?>[] {handlerClass},
        (self, method, args) ->
            switch (method.getName()) {
              case "handle" -> {
                action.run();
                yield null;
              }
              case "equals" -> self == args[0];
              case "hashCode" -> System.identityHashCode(self);
              default -> "SigintHandler";
            });
  }

  /**
   * Whether the signal was ignored when the JVM started, and so still is: Ctrl-C does not reach
   * this process.
   */
  boolean ignored() {
    return ignored;
  }

  /** Puts back the handling there was before {@link #install}. */
  void restore() {
    try {
      handle.invoke(signal, previous);
    } catch (Throwable e) {
      // nothing to put back: the JVM is exiting
    }
  }
}
