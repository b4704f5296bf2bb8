package io.storepulse.db;

import io.storepulse.config.DatabaseUrl;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.util.concurrent.TimeUnit;

/**
 * Creates the connection pools. A short TCP connect timeout turns an outage into quick 503s; the
 * wait for a free connection is longer, because a busy machine can need seconds to open one.
 */
public final class Pools {

  private static final int CONNECT_TIMEOUT_MILLIS = 1000;
  private static final int ACQUIRE_TIMEOUT_MILLIS = 5000;

  private Pools() {
  }

  public static Pool create(Vertx vertx, DatabaseUrl url, String name, int size) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(url.host())
        .setPort(url.port())
        .setDatabase(url.database())
        .setUser(url.user())
        .setPassword(url.password())
        .setCachePreparedStatements(true)
        .setPipeliningLimit(256);
    NetClientOptions tcp = new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MILLIS).setTcpNoDelay(true);
    PoolOptions pool = new PoolOptions()
        .setName(name)
        .setMaxSize(size)
        .setShared(false)
        .setConnectionTimeout(ACQUIRE_TIMEOUT_MILLIS)
        .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
        .setMaxWaitQueueSize(10_000);
    return PgBuilder.pool().with(pool).with(tcp).connectingTo(connect).using(vertx).build();
  }
}
