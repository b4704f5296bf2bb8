package io.storepulse.loadtest;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} command-line options for the benchmark mains. Unknown names fail, so a typo
 * in a script cannot silently run a benchmark with defaults.
 */
final class Options {

  private final Map<String, String> values;

  private Options(Map<String, String> values) {
    this.values = values;
  }

  /** Parses {@code args}, accepting only the option names in {@code known} (without the dashes). */
  static Options parse(String[] args, Set<String> known) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      String arg = args[i];
      if (!arg.startsWith("--") || !known.contains(arg.substring(2))) {
        throw new IllegalArgumentException("unknown option " + arg + ", expected one of --" + String.join(", --", known));
      }
      if (i + 1 == args.length) {
        throw new IllegalArgumentException("option " + arg + " needs a value");
      }
      values.put(arg.substring(2), args[i + 1]);
    }
    return new Options(values);
  }

  String string(String name, String defaultValue) {
    return values.getOrDefault(name, defaultValue);
  }

  int positiveInt(String name, int defaultValue) {
    String value = values.get(name);
    if (value == null) {
      return defaultValue;
    }
    int parsed;
    try {
      parsed = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be an integer, got " + value);
    }
    if (parsed < 1) {
      throw new IllegalArgumentException("--" + name + " must be at least 1, got " + value);
    }
    return parsed;
  }
}
