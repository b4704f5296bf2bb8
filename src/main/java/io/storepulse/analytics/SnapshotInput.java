package io.storepulse.analytics;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** Reads what {@link SnapshotOutput} wrote, in the same order. */
public final class SnapshotInput {

  private final DataInputStream in;
  private final List<String> strings = new ArrayList<>();

  public SnapshotInput(byte[] snapshot) {
    this.in = new DataInputStream(new ByteArrayInputStream(snapshot));
  }

  public long readLong() throws IOException {
    return in.readLong();
  }

  public int readInt() throws IOException {
    return in.readInt();
  }

  public double readDouble() throws IOException {
    return in.readDouble();
  }

  public boolean readBoolean() throws IOException {
    return in.readBoolean();
  }

  public long readVarLong() throws IOException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.readUnsignedByte();
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IOException("malformed varlong");
  }

  /** A size or count that must fit an {@code int}. */
  public int readCount() throws IOException {
    long value = readVarLong();
    if (value > Integer.MAX_VALUE) {
      throw new IOException("count out of range: " + value);
    }
    return (int) value;
  }

  public long readSignedVarLong() throws IOException {
    long raw = readVarLong();
    return (raw >>> 1) ^ -(raw & 1);
  }

  public String readString() throws IOException {
    long tag = readVarLong();
    if (tag == 0) {
      return null;
    }
    if (tag == 1) {
      String value = in.readUTF();
      strings.add(value);
      return value;
    }
    long index = tag - 2;
    if (index >= strings.size()) {
      throw new IOException("string reference " + index + " before its definition");
    }
    return strings.get((int) index);
  }

  public byte[] readBytes() throws IOException {
    byte[] value = new byte[readCount()];
    in.readFully(value);
    return value;
  }

  public BigDecimal readBigDecimal() throws IOException {
    int scale = Math.toIntExact(readSignedVarLong());
    return new BigDecimal(new BigInteger(readBytes()), scale);
  }

  /** Fails unless every byte was read: a snapshot with trailing data is not the one we wrote. */
  public void expectEnd() throws IOException {
    if (in.read() != -1) {
      throw new IOException("trailing bytes after the snapshot");
    }
  }
}
