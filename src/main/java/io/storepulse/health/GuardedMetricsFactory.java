package io.storepulse.health;

import io.vertx.core.VertxOptions;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;

/**
 * Wraps a metrics factory (Micrometer's) so that the HTTP server's metrics tolerate a connection
 * Vert.x hands over without its socket metric.
 *
 * <p>Why: Vert.x 5.0.8 creates a server's metrics in its bind listener, which runs on the
 * listening verticle's event loop, while the acceptor loop already accepts. A connection accepted
 * in between gets no socket metric, yet its requests later find the server's metrics and report
 * {@code requestBegin(null, …)}; Micrometer's implementation throws a {@link NullPointerException}
 * there, and the request is never answered (a health probe or a storefront connecting while the
 * server starts hangs). Such a connection is served and simply not measured; every other call goes
 * to the wrapped metrics unchanged.
 */
public final class GuardedMetricsFactory implements VertxMetricsFactory {

  private final VertxMetricsFactory delegate;

  public GuardedMetricsFactory(VertxMetricsFactory delegate) {
    this.delegate = delegate;
  }

  @Override
  public void init(VertxBootstrap builder) {
    delegate.init(builder);
  }

  @Override
  public VertxMetrics metrics(VertxOptions options) {
    return new GuardedVertxMetrics(delegate.metrics(options));
  }

  @Override
  public MetricsOptions newOptions() {
    return delegate.newOptions();
  }

  @Override
  public MetricsOptions newOptions(MetricsOptions options) {
    return delegate.newOptions(options);
  }

  @Override
  public MetricsOptions newOptions(io.vertx.core.json.JsonObject json) {
    return delegate.newOptions(json);
  }

  /** Forwards everything; only the HTTP server's metrics come wrapped. */
  static final class GuardedVertxMetrics implements VertxMetrics {

    private final VertxMetrics delegate;

    GuardedVertxMetrics(VertxMetrics delegate) {
      this.delegate = delegate;
    }

    @Override
    public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options, SocketAddress localAddress) {
      HttpServerMetrics<?, ?, ?> metrics = delegate.createHttpServerMetrics(options, localAddress);
      return metrics == null ? null : new NullSafeHttpServerMetrics<>(metrics);
    }

    @Override
    public EventBusMetrics<?> createEventBusMetrics() {
      return delegate.createEventBusMetrics();
    }

    @Override
    public ClientMetrics<?, ?, ?> createClientMetrics(SocketAddress remoteAddress, String type, String namespace) {
      return delegate.createClientMetrics(remoteAddress, type, namespace);
    }

    @Override
    public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
      return delegate.createHttpClientMetrics(options);
    }

    @Override
    public TCPMetrics<?> createNetServerMetrics(NetServerOptions options, SocketAddress localAddress) {
      return delegate.createNetServerMetrics(options, localAddress);
    }

    @Override
    public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
      return delegate.createNetClientMetrics(options);
    }

    @Override
    public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
      return delegate.createDatagramSocketMetrics(options);
    }

    @Override
    public PoolMetrics<?, ?> createPoolMetrics(String poolType, String poolName, int maxPoolSize) {
      return delegate.createPoolMetrics(poolType, poolName, maxPoolSize);
    }

    @Override
    public void vertxCreated(io.vertx.core.Vertx vertx) {
      delegate.vertxCreated(vertx);
    }

    @Override
    public boolean isMetricsEnabled() {
      return delegate.isMetricsEnabled();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /**
   * The HTTP server's metrics, skipping calls for a connection without a socket metric (and so
   * for its requests and WebSockets, which then have no metric either).
   */
  static final class NullSafeHttpServerMetrics<R, W, S> implements HttpServerMetrics<R, W, S> {

    private final HttpServerMetrics<R, W, S> delegate;

    @SuppressWarnings("unchecked")
    NullSafeHttpServerMetrics(HttpServerMetrics<?, ?, ?> delegate) {
      this.delegate = (HttpServerMetrics<R, W, S>) delegate;
    }

    @Override
    public S connected(SocketAddress remoteAddress, String remoteName) {
      return delegate.connected(remoteAddress, remoteName);
    }

    @Override
    public void disconnected(S socketMetric, SocketAddress remoteAddress) {
      if (socketMetric != null) {
        delegate.disconnected(socketMetric, remoteAddress);
      }
    }

    @Override
    public void bytesRead(S socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
      if (socketMetric != null) {
        delegate.bytesRead(socketMetric, remoteAddress, numberOfBytes);
      }
    }

    @Override
    public void bytesWritten(S socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
      if (socketMetric != null) {
        delegate.bytesWritten(socketMetric, remoteAddress, numberOfBytes);
      }
    }

    @Override
    public void exceptionOccurred(S socketMetric, SocketAddress remoteAddress, Throwable t) {
      if (socketMetric != null) {
        delegate.exceptionOccurred(socketMetric, remoteAddress, t);
      }
    }

    @Override
    public R requestBegin(S socketMetric, HttpRequest request) {
      return socketMetric == null ? null : delegate.requestBegin(socketMetric, request);
    }

    @Override
    public void requestEnd(R requestMetric, HttpRequest request, long bytesRead) {
      if (requestMetric != null) {
        delegate.requestEnd(requestMetric, request, bytesRead);
      }
    }

    @Override
    public void requestReset(R requestMetric) {
      if (requestMetric != null) {
        delegate.requestReset(requestMetric);
      }
    }

    @Override
    public void responseBegin(R requestMetric, HttpResponse response) {
      if (requestMetric != null) {
        delegate.responseBegin(requestMetric, response);
      }
    }

    @Override
    public R responsePushed(S socketMetric, HttpMethod method, String uri, HttpResponse response) {
      return socketMetric == null ? null : delegate.responsePushed(socketMetric, method, uri, response);
    }

    @Override
    public void responseEnd(R requestMetric, HttpResponse response, long bytesWritten) {
      if (requestMetric != null) {
        delegate.responseEnd(requestMetric, response, bytesWritten);
      }
    }

    @Override
    public W connected(S socketMetric, R requestMetric, ServerWebSocket serverWebSocket) {
      return socketMetric == null || requestMetric == null ? null
          : delegate.connected(socketMetric, requestMetric, serverWebSocket);
    }

    @Override
    public void disconnected(W webSocketMetric) {
      if (webSocketMetric != null) {
        delegate.disconnected(webSocketMetric);
      }
    }

    @Override
    public void requestRouted(R requestMetric, String route) {
      if (requestMetric != null) {
        delegate.requestRouted(requestMetric, route);
      }
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
