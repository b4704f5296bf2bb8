package io.storepulse.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The log lines one class of an in-process server writes while a test runs, for decisions the
 * server makes inside itself and only logs (say, giving up on a slow client).
 */
public final class LogCapture implements AutoCloseable {

  /** A log line: when (epoch milliseconds) and the formatted message. */
  public record Line(long atMillis, String message) {
  }

  private final Logger logger;
  private final List<Line> lines = new CopyOnWriteArrayList<>();
  private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
    @Override
    protected void append(ILoggingEvent event) {
      lines.add(new Line(event.getTimeStamp(), event.getFormattedMessage()));
    }
  };

  private LogCapture(Class<?> type) {
    logger = (Logger) LoggerFactory.getLogger(type);
    appender.setContext(logger.getLoggerContext());
    appender.start();
    logger.addAppender(appender);
  }

  /** Captures what the logger named after {@code type} writes (at its configured level) from now on. */
  public static LogCapture of(Class<?> type) {
    return new LogCapture(type);
  }

  /** The lines so far that contain {@code text}. */
  public List<Line> containing(String text) {
    return lines.stream().filter(line -> line.message().contains(text)).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
