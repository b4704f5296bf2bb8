package io.storepulse;

import io.storepulse.config.ConfigException;
import io.storepulse.config.ConfigLoader;
import io.storepulse.config.StorePulseConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar storepulse.jar}: starts the server and runs until SIGTERM or Ctrl-C. */
@Command(name = "storepulse", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Event ingestion and real-time analytics for online stores.")
public final class Main implements Callable<Integer> {

  static final int EXIT_CONFIG = 2;
  static final int EXIT_STARTUP = 3;

  @Option(names = "--config", paramLabel = "FILE",
      description = "properties file with settings (default: conf/storepulse.properties when present); "
          + "environment variables STOREPULSE_* override it")
  private Path configFile;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public Integer call() {
    StorePulseConfig config;
    try {
      config = configFile == null
          ? ConfigLoader.load(ConfigLoader.DEFAULT_FILE, false)
          : ConfigLoader.load(configFile, true);
    } catch (ConfigException e) {
      System.err.println("storepulse: invalid configuration: " + e.getMessage());
      return EXIT_CONFIG;
    }
    StorePulseServer server;
    try {
      server = StorePulseServer.start(config, System.out);
    } catch (StartupException e) {
      System.err.println("storepulse: " + e.getMessage());
      return EXIT_STARTUP;
    }
    // Handling the signals ourselves (rather than a shutdown hook) lets a drained shutdown exit 0.
    CountDownLatch stopRequested = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), signal -> stopRequested.countDown());
    Signal.handle(new Signal("INT"), signal -> stopRequested.countDown());
    try {
      stopRequested.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    server.stop();
    return 0;
  }

  /** Reports the version built into the jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"storepulse " + StorePulseServer.version()};
    }
  }
}
