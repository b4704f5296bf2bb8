package io.storepulse.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.storepulse.inventory.ImportResult.Imported;
import io.storepulse.inventory.ImportResult.Rejected;
import io.storepulse.inventory.StockImport.ReadRow;
import io.storepulse.inventory.StockImport.RowOutcome;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StockImportTest {

  private static final int MAX = 100;

  private static List<ReadRow> csv(String text) {
    return StockImport.readCsv(text, MAX);
  }

  private static ReadRow only(String text) {
    List<ReadRow> rows = csv(text);
    assertEquals(1, rows.size(), () -> "rows read: " + rows);
    return rows.get(0);
  }

  private static void assertReadable(ReadRow row, int number, String sku, Long onHand, Long threshold) {
    assertNull(row.error(), () -> "unexpected error: " + row.error());
    assertEquals(number, row.number());
    assertEquals(sku, row.sku());
    assertEquals(new ImportRow(sku, onHand, threshold), row.row());
  }

  private static void assertRefused(ReadRow row, int number, String sku, String errorStart) {
    assertFalse(row.readable(), () -> "expected a refusal, got " + row);
    assertNull(row.row());
    assertEquals(number, row.number());
    assertEquals(sku, row.sku());
    assertTrue(row.error().startsWith(errorStart), () -> "error was: " + row.error());
  }

  // ------------------------------------------------------------------------------------- CSV

  @Test
  void csvWithoutHeaderReadsEveryLineAsARow() {
    List<ReadRow> rows = csv("tea,10,3\ncup,0\n");
    assertEquals(2, rows.size());
    assertReadable(rows.get(0), 1, "tea", 10L, 3L);
    assertReadable(rows.get(1), 2, "cup", 0L, null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sku,on_hand,low_stock_threshold", "SKU,On_Hand", " Sku , on_hand ", "\"sku\",on_hand",
      "\uFEFFsku,on_hand"})
  void headerLineIsSkippedButCountedAsLineOne(String header) {
    List<ReadRow> rows = csv(header + "\ntea,10,3\ncup,4");
    assertEquals(2, rows.size());
    assertReadable(rows.get(0), 2, "tea", 10L, 3L);
    assertReadable(rows.get(1), 3, "cup", 4L, null);
  }

  @Test
  void skuOnALaterLineIsARowNotAHeader() {
    List<ReadRow> rows = csv("tea,1\nsku,2");
    assertEquals(2, rows.size());
    assertReadable(rows.get(1), 2, "sku", 2L, null);
  }

  @Test
  void headerAfterLeadingBlankLinesIsStillTheHeader() {
    List<ReadRow> rows = csv("\n  \nsku,on_hand\ntea,5");
    assertEquals(1, rows.size());
    assertReadable(rows.get(0), 4, "tea", 5L, null);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "'tea,1\r\ncup,2\r\n'",
      "'tea,1\rcup,2\r'",
      "'tea,1\ncup,2'",
      "'tea,1\r\ncup,2\n'"})
  void crlfCrAndLfAllEndLines(String text) {
    List<ReadRow> rows = csv(text);
    assertEquals(2, rows.size());
    assertReadable(rows.get(0), 1, "tea", 1L, null);
    assertReadable(rows.get(1), 2, "cup", 2L, null);
  }

  @Test
  void blankLinesAreSkippedButKeepTheLineNumbersOfLaterRows() {
    List<ReadRow> rows = csv("sku,on_hand\r\n\r\ntea,1\r\n   \r\n\t\r\ncup,x\r\n\r\n");
    assertEquals(2, rows.size());
    assertReadable(rows.get(0), 3, "tea", 1L, null);
    assertRefused(rows.get(1), 6, "cup", "on_hand must be a whole number, got 'x'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\n", "\r\n\r\n", "   \n\t", "sku,on_hand", "sku,on_hand\r\n\r\n"})
  void textWithoutDataLinesReadsNoRows(String text) {
    assertTrue(csv(text).isEmpty());
  }

  @Test
  void fieldsAreTrimmed() {
    assertReadable(only("  tea  ,  7 ,\t2\t"), 1, "tea", 7L, 2L);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "`\"tea, green\",5`                | `tea, green`",
      "`\"12\"\" plate\",5`              | `12\" plate`",
      "`\"\"\"quoted\"\"\",5`            | `\"quoted\"`",
      "`  \"a,b\"  ,5`                   | `a,b`",
      "`\"  kept spaces  \",5`           | `  kept spaces  `",
      "`\"\",5`                          | ``"})
  void quotedSkuMayHoldCommasAndDoubledQuotes(String line, String sku) {
    assertReadable(only(line), 1, sku == null ? "" : sku, 5L, null);
  }

  @Test
  void quotedNumbersAreRead() {
    assertReadable(only("tea,\"12\",\"3\""), 1, "tea", 12L, 3L);
  }

  @Test
  void unclosedQuoteRefusesTheLineWithoutASku() {
    List<ReadRow> rows = csv("tea,1\n\"cup,2\nmug,3");
    assertEquals(3, rows.size());
    assertRefused(rows.get(1), 2, null, "a quoted field is not closed");
    assertReadable(rows.get(2), 3, "mug", 3L, null);
  }

  @Test
  void textAfterAClosingQuoteRefusesTheLine() {
    assertRefused(only("\"tea\"x,1"), 1, null, "text after a quoted field");
  }

  @Test
  void unclosedQuoteOnTheFirstLineIsNotTakenForAHeader() {
    List<ReadRow> rows = csv("\"sku,on_hand\nsku,1");
    assertEquals(2, rows.size());
    assertRefused(rows.get(0), 1, null, "a quoted field is not closed");
    assertReadable(rows.get(1), 2, "sku", 1L, null);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "tea           | tea | 1 field",
      "tea,1,2,3     | tea | 4 fields",
      "tea,1,2,3,4,5 | tea | 6 fields",
      "'\"a,b\",1,2,3' | a,b | 4 fields"})
  void tooFewOrTooManyFieldsRefuseTheRowAndKeepItsSku(String line, String sku, String got) {
    assertRefused(only(line), 1, sku, "expected sku,on_hand[,low_stock_threshold], got " + got);
    assertTrue(only(line).error().endsWith("got " + got));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "tea,ten      | on_hand must be a whole number, got 'ten'",
      "tea,1.5      | on_hand must be a whole number, got '1.5'",
      "tea,1e3      | on_hand must be a whole number, got '1e3'",
      "tea,99999999999999999999 | on_hand must be a whole number, got '99999999999999999999'",
      "tea,5,low    | low_stock_threshold must be a whole number, got 'low'",
      "tea,5,2.0    | low_stock_threshold must be a whole number, got '2.0'",
      "tea,x,y      | on_hand must be a whole number, got 'x'"})
  void nonNumericValuesRefuseTheRowNamingTheCsvColumn(String line, String error) {
    assertRefused(only(line), 1, "tea", error);
    assertEquals(error, only(line).error());
  }

  @Test
  void negativeValuesAreReadAndLeftForTheBookToRefuse() {
    assertReadable(only("tea,-3,-1"), 1, "tea", -3L, -1L);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "'tea,5'    | ",
      "'tea,5,'   | ",
      "'tea,5, '  | ",
      "'tea,5,\"\"' | ",
      "'tea,5,0'  | 0",
      "'tea,5,9'  | 9"})
  void thresholdIsOptionalAndAnEmptyOneIsAbsent(String line, Long threshold) {
    assertReadable(only(line), 1, "tea", 5L, threshold);
  }

  @Test
  void emptyOnHandOrSkuIsReadAsAbsentForTheBookToRefuse() {
    List<ReadRow> rows = csv("tea,\n,4");
    assertReadable(rows.get(0), 1, "tea", null, null);
    assertReadable(rows.get(1), 2, "", 4L, null);
  }

  @Test
  void moreRowsThanAllowedAreRefusedAsAWhole() {
    assertEquals(2, StockImport.readCsv("sku,on_hand\ntea,1\n\ncup,2\n", 2).size());
    StockImport.TooManyRows e = assertThrows(StockImport.TooManyRows.class,
        () -> StockImport.readCsv("sku,on_hand\ntea,1\ncup,2\nmug,3", 2));
    assertEquals("an import takes at most 2 rows", e.getMessage());
  }

  @Test
  void refusedRowsCountTowardsTheRowLimit() {
    assertThrows(StockImport.TooManyRows.class, () -> StockImport.readCsv("tea,x\ncup\nmug,3", 2));
  }

  @Test
  void unreadableQuotedLinesCountTowardsTheRowLimit() {
    assertThrows(StockImport.TooManyRows.class, () -> StockImport.readCsv("tea,1\n\"cup\nmug,3", 2));
    assertThrows(StockImport.TooManyRows.class,
        () -> StockImport.readCsv("tea,1\ncup,2\n\"bad\nmug,3\npot,4", 2));
  }

  // ------------------------------------------------------------------------------------ JSON

  @Test
  void jsonRowIsNumberedByTheGivenPosition() {
    ReadRow row = StockImport.readFields(3, "tea", 10, 2L);
    assertReadable(row, 3, "tea", 10L, 2L);
  }

  @Test
  void jsonRowWithoutThresholdOrOnHandIsReadForTheBookToJudge() {
    assertReadable(StockImport.readFields(1, "tea", 10L, null), 1, "tea", 10L, null);
    assertReadable(StockImport.readFields(2, null, null, null), 2, null, null, null);
  }

  @Test
  void jsonLongValuesBeyondIntAreKept() {
    assertReadable(StockImport.readFields(1, "tea", 5_000_000_000L, null), 1, "tea", 5_000_000_000L, null);
  }

  @Test
  void jsonNegativeValuesAreReadAndLeftForTheBook() {
    assertReadable(StockImport.readFields(1, "tea", -1, -2), 1, "tea", -1L, -2L);
  }

  @Test
  void jsonNonStringSkuIsRefusedWithoutASku() {
    assertRefused(StockImport.readFields(4, 42, 1, null), 4, null, "sku must be a string");
    assertRefused(StockImport.readFields(4, true, 1, null), 4, null, "sku must be a string");
  }

  @Test
  void jsonNonWholeOnHandIsRefusedNamingTheJsonField() {
    ReadRow row = StockImport.readFields(2, "cup", 1.5, null);
    assertRefused(row, 2, "cup", "onHand must be a whole number");
    assertEquals("onHand must be a whole number, got 1.5", row.error());
    assertRefused(StockImport.readFields(2, "cup", true, null), 2, "cup", "onHand must be a whole number");
    assertRefused(StockImport.readFields(2, "cup", "many", null), 2, "cup",
        "onHand must be a whole number, got 'many'");
  }

  @Test
  void jsonNonWholeThresholdIsRefusedNamingTheJsonField() {
    ReadRow row = StockImport.readFields(5, "cup", 3, 2.5);
    assertRefused(row, 5, "cup", "lowStockThreshold must be a whole number, got 2.5");
  }

  @Test
  void withErrorRefusesTheRowKeepingNumberAndSku() {
    ReadRow row = StockImport.readFields(7, "tea", 1, null).withError("a row must be a JSON object");
    assertRefused(row, 7, "tea", "a row must be a JSON object");
    assertEquals("a row must be a JSON object", row.error());
  }

  // ----------------------------------------------------------------------------------- merge

  private static StockLevel level(String sku, long onHand) {
    return new StockLevel("shop", sku, onHand, 0, 1, 5);
  }

  @Test
  void forBookKeepsOnlyReadableRowsInOrder() {
    List<ReadRow> rows = csv("tea,1\ncup,x\nmug,3\npot\nbowl,5");
    assertEquals(List.of(new ImportRow("tea", 1L, null), new ImportRow("mug", 3L, null),
        new ImportRow("bowl", 5L, null)), StockImport.forBook(rows));
  }

  @Test
  void mergeInterleavesReadErrorsWithBookResultsInRowOrder() {
    List<ReadRow> rows = csv("sku,on_hand\ncup,x\ntea,1\n\nmug,3\npot\nbowl,5\n\"open");
    List<ImportResult> book = List.of(new Imported(level("tea", 1)), new Rejected("sku mug appears in an earlier row"),
        new Imported(level("bowl", 5)));

    List<RowOutcome> outcomes = StockImport.merge(rows, book);

    assertEquals(List.of(2, 3, 5, 6, 7, 8), outcomes.stream().map(RowOutcome::number).toList());
    assertEquals(java.util.Arrays.asList("cup", "tea", "mug", "pot", "bowl", null),
        outcomes.stream().map(RowOutcome::sku).toList());
    assertEquals(new Rejected("on_hand must be a whole number, got 'x'"), outcomes.get(0).result());
    assertEquals(book.get(0), outcomes.get(1).result());
    assertEquals(book.get(1), outcomes.get(2).result());
    assertEquals(new Rejected("expected sku,on_hand[,low_stock_threshold], got 1 field"), outcomes.get(3).result());
    assertEquals(book.get(2), outcomes.get(4).result());
    assertEquals(new Rejected("a quoted field is not closed"), outcomes.get(5).result());
  }

  @Test
  void mergeOfOnlyRefusedRowsNeedsNoBookResults() {
    List<RowOutcome> outcomes = StockImport.merge(csv("tea\ncup,x"), List.of());
    assertEquals(2, outcomes.size());
    assertTrue(outcomes.stream().allMatch(o -> o.result() instanceof Rejected));
  }

  @Test
  void mergeOfNothingIsNothing() {
    assertTrue(StockImport.merge(List.of(), List.of()).isEmpty());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3})
  void mergeRefusesABookAnswerOfTheWrongLength(int answered) {
    List<ReadRow> rows = csv("tea,1\ncup,x\nmug,2");
    List<ImportResult> book = java.util.Collections.nCopies(answered, new Imported(level("tea", 1)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StockImport.merge(rows, book));
    assertEquals("the book answered " + answered + " rows, 2 were given", e.getMessage());
  }

  @Test
  void negativeAndMissingValuesAreRejectedByTheRealBookAtTheirLines() {
    InventoryBook book = new InventoryBook(InventorySettings.defaults());
    List<ReadRow> rows = csv("sku,on_hand,low_stock_threshold\ntea,-1\ncup,4,-2\n\nmug,\nbowl,x\npot,6,1\ntea,2");
    List<ImportResult> results = book.importStock("shop", StockImport.forBook(rows), "imp-1",
        Instant.parse("2026-03-01T10:00:00Z"));

    List<RowOutcome> outcomes = StockImport.merge(rows, results);

    assertEquals(List.of(2, 3, 5, 6, 7, 8), outcomes.stream().map(RowOutcome::number).toList());
    assertEquals(new Rejected("on_hand must not be negative, got -1"), outcomes.get(0).result());
    assertEquals(new Rejected("low_stock_threshold must not be negative, got -2"), outcomes.get(1).result());
    assertEquals(new Rejected("on_hand is required"), outcomes.get(2).result());
    assertEquals(new Rejected("on_hand must be a whole number, got 'x'"), outcomes.get(3).result());
    Imported pot = (Imported) outcomes.get(4).result();
    assertEquals(6, pot.level().onHand());
    assertEquals(1, pot.level().lowStockThreshold());
    Imported tea = (Imported) outcomes.get(5).result();
    assertEquals("tea", tea.level().sku());
    assertEquals(2, tea.level().onHand());
  }
}
