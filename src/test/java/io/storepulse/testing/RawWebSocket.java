package io.storepulse.testing;

import io.vertx.core.json.JsonObject;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client over a plain {@link Socket}, for what real client libraries do for you: it
 * reads only when the test says so (a client that stops reading), and it never answers pings
 * unless told to (a client whose pongs stopped). Frames are read one at a time by the test thread.
 */
public final class RawWebSocket implements AutoCloseable {

  public static final int TEXT = 0x1;
  public static final int BINARY = 0x2;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;

  /** One frame from the server; text messages split over continuation frames are joined. */
  public record Frame(int opcode, byte[] payload) {

    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    public JsonObject json() {
      return new JsonObject(text());
    }

    /** The status code of a close frame. */
    public int closeCode() {
      return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawWebSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    this.out = socket.getOutputStream();
  }

  /**
   * Opens a dashboard socket with the token as the query parameter.
   *
   * @param receiveBufferBytes the socket's receive buffer, which bounds the TCP window it offers;
   *     0 for the system's default
   */
  public static RawWebSocket connect(int port, String token, int receiveBufferBytes) {
    try {
      Socket socket = new Socket();
      if (receiveBufferBytes > 0) {
        socket.setReceiveBufferSize(receiveBufferBytes); // before connecting, so the window is small from the start
      }
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      RawWebSocket ws = new RawWebSocket(socket);
      ws.handshake(port, DashboardClient.PATH + "?token=" + token);
      return ws;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void handshake(int port, String uri) throws IOException {
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String request = "GET " + uri + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + port + "\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
        + "Sec-WebSocket-Version: 13\r\n\r\n";
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    socket.setSoTimeout(10_000);
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the server closed during the handshake: " + head);
      }
      head.write(b);
    }
    String status = head.toString(StandardCharsets.ISO_8859_1).split("\r\n")[0];
    if (!status.contains(" 101 ")) {
      throw new IllegalStateException("no upgrade: " + head);
    }
  }

  public void sendText(String text) {
    send(TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  public void sendJson(JsonObject message) {
    sendText(message.encode());
  }

  /** Answers (or starts) the closing handshake. */
  public void sendClose(int code) {
    send(CLOSE, new byte[] {(byte) (code >> 8), (byte) code});
  }

  /** Sends one final frame, masked as a client must. */
  public void send(int opcode, byte[] payload) {
    try {
      ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
      frame.write(0x80 | opcode);
      if (payload.length < 126) {
        frame.write(0x80 | payload.length);
      } else if (payload.length < 65536) {
        frame.write(0x80 | 126);
        frame.write(payload.length >> 8);
        frame.write(payload.length);
      } else {
        frame.write(0x80 | 127);
        for (int shift = 56; shift >= 0; shift -= 8) {
          frame.write((int) ((long) payload.length >> shift));
        }
      }
      byte[] mask = new byte[4];
      ThreadLocalRandom.current().nextBytes(mask);
      frame.write(mask);
      for (int i = 0; i < payload.length; i++) {
        frame.write(payload[i] ^ mask[i % 4]);
      }
      out.write(frame.toByteArray());
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads the next frame (a whole message for text), waiting at most {@code timeout}.
   *
   * @return the frame; null when the server closed the connection (end of stream, even amid a
   *     frame, or reset)
   * @throws AssertionError when nothing arrives in time
   */
  public Frame read(Duration timeout) {
    try {
      socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
      int first = in.read();
      if (first < 0) {
        return null;
      }
      Frame frame = readFrame(first);
      if (frame.opcode() == TEXT || frame.opcode() == BINARY) {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.write(frame.payload());
        boolean fin = (first & 0x80) != 0;
        while (!fin) {
          int next = in.read();
          if (next < 0) {
            return null;
          }
          fin = (next & 0x80) != 0;
          Frame continuation = readFrame(next);
          message.write(continuation.payload());
        }
        return new Frame(frame.opcode(), message.toByteArray());
      }
      return frame;
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no frame within " + timeout);
    } catch (EOFException | SocketException e) {
      return null; // closed by the server, possibly amid a frame, or reset
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Frame readFrame(int first) throws IOException {
    int opcode = first & 0x0F;
    int second = readByte();
    if ((second & 0x80) != 0) {
      throw new IllegalStateException("the server masked a frame");
    }
    long length = second & 0x7F;
    if (length == 126) {
      length = (readByte() << 8) | readByte();
    } else if (length == 127) {
      length = 0;
      for (int i = 0; i < 8; i++) {
        length = (length << 8) | readByte();
      }
    }
    byte[] payload = in.readNBytes((int) length);
    if (payload.length < length) {
      throw new EOFException("frame cut short");
    }
    return new Frame(opcode, payload);
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("frame cut short");
    }
    return b;
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
