package io.storepulse.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a bulk stock import (CSV text, or the fields of JSON objects) into {@link ImportRow}s for
 * the {@link InventoryBook}, keeping the rows that cannot be read as per-row errors, and merges
 * those errors with the book's results into one answer per row.
 *
 * <p>CSV: one row per line, {@code sku,on_hand[,low_stock_threshold]}; an optional header (a
 * first line whose first field is {@code sku}); blank lines skipped; fields trimmed and may be
 * double-quoted ({@code ""} inside quotes is a quote). A row is numbered by its line in the text.
 */
public final class StockImport {

  /**
   * One row as read: either {@code row} for the book or the {@code error} that kept it out.
   *
   * @param number the line (CSV) or the 1-based position in the array (JSON)
   */
  public record ReadRow(int number, String sku, ImportRow row, String error) {

    static ReadRow refused(int number, String sku, String error) {
      return new ReadRow(number, sku, null, error);
    }

    /** The same row, refused with {@code error}. */
    public ReadRow withError(String error) {
      return refused(number, sku, error);
    }

    public boolean readable() {
      return row != null;
    }
  }

  /** The outcome of one row of the import: rejected while read, or as the book decided. */
  public record RowOutcome(int number, String sku, ImportResult result) {
  }

  /** The input has more rows than allowed. */
  public static final class TooManyRows extends IllegalArgumentException {
    public TooManyRows(int maxRows) {
      super("an import takes at most " + maxRows + " rows");
    }
  }

  private StockImport() {
  }

  /**
   * Reads CSV text.
   *
   * @throws TooManyRows when it holds more than {@code maxRows} rows
   */
  public static List<ReadRow> readCsv(String text, int maxRows) {
    List<ReadRow> rows = new ArrayList<>();
    String[] lines = text.split("\r?\n|\r", -1);
    boolean first = true;
    for (int i = 0; i < lines.length; i++) {
      String line = i == 0 && lines[i].startsWith("\uFEFF") ? lines[i].substring(1) : lines[i];
      if (line.isBlank()) {
        continue;
      }
      int number = i + 1;
      List<String> fields;
      try {
        fields = fields(line);
      } catch (IllegalArgumentException e) {
        if (rows.size() >= maxRows) {
          throw new TooManyRows(maxRows);
        }
        rows.add(ReadRow.refused(number, null, e.getMessage()));
        first = false;
        continue;
      }
      if (first && fields.get(0).toLowerCase(Locale.ROOT).equals("sku")) {
        first = false;
        continue; // the header
      }
      first = false;
      if (rows.size() >= maxRows) {
        throw new TooManyRows(maxRows);
      }
      String sku = fields.get(0);
      if (fields.size() < 2 || fields.size() > 3) {
        rows.add(ReadRow.refused(number, sku, "expected sku,on_hand[,low_stock_threshold], got "
            + fields.size() + " field" + (fields.size() == 1 ? "" : "s")));
        continue;
      }
      rows.add(read(number, sku, fields.get(1), fields.size() == 3 ? fields.get(2) : "", "on_hand",
          "low_stock_threshold"));
    }
    return rows;
  }

  /**
   * Reads one JSON row from its fields as decoded (a {@code String} SKU, whole numbers as
   * {@code Integer} or {@code Long}, {@code null} when absent).
   */
  public static ReadRow readFields(int number, Object sku, Object onHand, Object lowStockThreshold) {
    if (sku != null && !(sku instanceof String)) {
      return ReadRow.refused(number, null, "sku must be a string");
    }
    String name = (String) sku;
    Long units;
    Long threshold;
    try {
      units = wholeNumber(onHand, "onHand");
      threshold = wholeNumber(lowStockThreshold, "lowStockThreshold");
    } catch (IllegalArgumentException e) {
      return ReadRow.refused(number, name, e.getMessage());
    }
    return new ReadRow(number, name, new ImportRow(name, units, threshold), null);
  }

  /**
   * The readable rows, in order, as given to the book.
   */
  public static List<ImportRow> forBook(List<ReadRow> rows) {
    List<ImportRow> forBook = new ArrayList<>(rows.size());
    for (ReadRow row : rows) {
      if (row.readable()) {
        forBook.add(row.row());
      }
    }
    return forBook;
  }

  /**
   * One outcome per row read, in order: the read error, or the book's result for the row (the
   * book answers the readable rows in the order {@link #forBook} gave them).
   */
  public static List<RowOutcome> merge(List<ReadRow> rows, List<ImportResult> bookResults) {
    if (bookResults.size() != forBook(rows).size()) {
      throw new IllegalArgumentException("the book answered " + bookResults.size() + " rows, "
          + forBook(rows).size() + " were given");
    }
    List<RowOutcome> outcomes = new ArrayList<>(rows.size());
    int next = 0;
    for (ReadRow row : rows) {
      ImportResult result = row.readable() ? bookResults.get(next++) : new ImportResult.Rejected(row.error());
      outcomes.add(new RowOutcome(row.number(), row.sku(), result));
    }
    return outcomes;
  }

  private static ReadRow read(int number, String sku, String onHand, String threshold, String onHandName,
      String thresholdName) {
    try {
      return new ReadRow(number, sku, new ImportRow(sku, wholeNumber(onHand, onHandName),
          wholeNumber(threshold, thresholdName)), null);
    } catch (IllegalArgumentException e) {
      return ReadRow.refused(number, sku, e.getMessage());
    }
  }

  private static Long wholeNumber(Object value, String name) {
    if (value == null) {
      return null;
    }
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    if (value instanceof String text) {
      if (text.isEmpty()) {
        return null;
      }
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be a whole number, got '" + text + "'");
      }
    }
    throw new IllegalArgumentException(name + " must be a whole number, got " + value);
  }

  /** The trimmed fields of a CSV line; a field may be double-quoted. */
  private static List<String> fields(String line) {
    List<String> fields = new ArrayList<>();
    int i = 0;
    while (true) {
      while (i < line.length() && line.charAt(i) == ' ') {
        i++;
      }
      StringBuilder field = new StringBuilder();
      if (i < line.length() && line.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= line.length()) {
            throw new IllegalArgumentException("a quoted field is not closed");
          }
          char c = line.charAt(i++);
          if (c == '"') {
            if (i < line.length() && line.charAt(i) == '"') {
              field.append('"');
              i++;
            } else {
              break;
            }
          } else {
            field.append(c);
          }
        }
        while (i < line.length() && line.charAt(i) != ',') {
          if (!Character.isWhitespace(line.charAt(i))) {
            throw new IllegalArgumentException("text after a quoted field");
          }
          i++;
        }
        fields.add(field.toString());
      } else {
        int end = line.indexOf(',', i);
        fields.add(line.substring(i, end < 0 ? line.length() : end).trim());
        i = end < 0 ? line.length() : end;
      }
      if (i >= line.length()) {
        return fields;
      }
      i++; // the comma
    }
  }
}
