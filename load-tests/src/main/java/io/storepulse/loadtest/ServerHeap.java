package io.storepulse.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap another JVM (the server) uses after a full collection, read with {@code jcmd}:
 * {@code GC.run} (a {@code System.gc()}, a full collection with the default collectors), then the
 * {@code used} of {@code GC.heap_info}. The least of a few readings, so that what a request or a
 * drain allocated between the two commands counts as little as it can.
 */
final class ServerHeap {

  private static final Pattern USED = Pattern.compile("used (\\d+)K");
  private static final int READINGS = 3;
  private static final long JCMD_SECONDS = 60;

  private ServerHeap() {
  }

  /** Bytes in use after a full collection, the least of {@value #READINGS} readings. */
  static long usedAfterGc(long pid) throws IOException, InterruptedException {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < READINGS; i++) {
      jcmd(pid, "GC.run");
      Matcher used = USED.matcher(jcmd(pid, "GC.heap_info"));
      if (!used.find()) {
        throw new IOException("no 'used …K' in the heap info of pid " + pid);
      }
      least = Math.min(least, Long.parseLong(used.group(1)) * 1024);
    }
    return least;
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(List.of("jcmd", Long.toString(pid), command)).redirectErrorStream(true)
        .start();
    // waited for before reading, so the bound holds: the output (a few KB) fits in the pipe's buffer
    if (!process.waitFor(JCMD_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("jcmd " + pid + " " + command + " did not finish in " + JCMD_SECONDS + " s");
    }
    String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IOException("jcmd " + pid + " " + command + " failed: " + text);
    }
    return text;
  }
}
