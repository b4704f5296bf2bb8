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

/**
 * {@code java -jar storepulse.jar}: starts the server and runs until SIGTERM or Ctrl-C; with
 * {@code --demo}, also a simulated storefront that sends events to the store {@code demo}.
 */
@Command(name = "storepulse", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Event ingestion and real-time analytics for online stores.")
public final class Main implements Callable<Integer> {

  static final int EXIT_CONFIG = 2;
  static final int EXIT_STARTUP = 3;

  @Option(names = "--config", paramLabel = "FILE",
      description = "properties file with settings (default: conf/storepulse.properties when present); "
          + "environment variables STOREPULSE_* override it")
  private Path configFile;

  @Option(names = "--demo",
      description = "also run a built-in storefront simulator against the store 'demo' (fresh keys on every start)"
          + " and print the dashboard's address")
  private boolean demo;

  @Option(names = "--demo-rate", paramLabel = "EVENTS_PER_S",
      description = "average events per second the simulator sends (default: 30; with --demo)")
  private Double demoRate;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public Integer call() {
    if (demoRate != null && (!demo || !(demoRate > 0 && demoRate <= DemoRunner.MAX_RATE))) {
      System.err.println("storepulse: --demo-rate must come with --demo and be more than 0 and at most "
          + (long) DemoRunner.MAX_RATE + " events/s");
      return EXIT_CONFIG;
    }
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
    DemoRunner demoRunner = null;
    if (demo) {
      try {
        demoRunner = DemoRunner.start(config, server.stores(), demoRate == null ? DemoRunner.DEFAULT_RATE : demoRate,
            System.out);
      } catch (StartupException e) {
        System.err.println("storepulse: " + e.getMessage());
        server.stop();
        return EXIT_STARTUP;
      }
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
    if (demoRunner != null) {
      demoRunner.stop(); // while the server still answers: the simulator's last events are sent
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
