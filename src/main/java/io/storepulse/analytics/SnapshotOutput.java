package io.storepulse.analytics;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * The engine's snapshot encoding, for {@link WindowAggregate} implementations: big-endian fixed
 * fields, variable-length integers for counters, and a string dictionary so that a store or SKU
 * id repeated across windows is written once and then referenced by its index. Shared with the
 * inventory book, whose snapshots use the same encoding.
 */
public final class SnapshotOutput {

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
  private final DataOutputStream out = new DataOutputStream(bytes);
  private final Map<String, Integer> strings = new HashMap<>();

  /** The bytes written so far. */
  public byte[] toByteArray() throws IOException {
    out.flush();
    return bytes.toByteArray();
  }

  public void writeLong(long value) throws IOException {
    out.writeLong(value);
  }

  public void writeInt(int value) throws IOException {
    out.writeInt(value);
  }

  public void writeDouble(double value) throws IOException {
    out.writeDouble(value);
  }

  public void writeBoolean(boolean value) throws IOException {
    out.writeBoolean(value);
  }

  /** A non-negative integer in 7-bit groups: counters and sizes mostly fit in one or two bytes. */
  public void writeVarLong(long value) throws IOException {
    if (value < 0) {
      throw new IllegalArgumentException("varlong must not be negative, got " + value);
    }
    while ((value & ~0x7FL) != 0) {
      out.writeByte((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.writeByte((int) value);
  }

  /** A signed integer, zig-zag encoded so that small negative values stay short. */
  public void writeSignedVarLong(long value) throws IOException {
    writeVarLong((value << 1) ^ (value >> 63));
  }

  /** A string or {@code null}: 0 is null, 1 a new string that follows, {@code n + 2} entry n. */
  public void writeString(String value) throws IOException {
    if (value == null) {
      writeVarLong(0);
      return;
    }
    Integer index = strings.get(value);
    if (index != null) {
      writeVarLong(index + 2L);
      return;
    }
    strings.put(value, strings.size());
    writeVarLong(1);
    out.writeUTF(value);
  }

  public void writeBytes(byte[] value) throws IOException {
    writeVarLong(value.length);
    out.write(value);
  }

  public void writeBigDecimal(BigDecimal value) throws IOException {
    writeSignedVarLong(value.scale());
    writeBytes(value.unscaledValue().toByteArray());
  }
}
