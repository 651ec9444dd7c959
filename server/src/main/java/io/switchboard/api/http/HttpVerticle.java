package io.switchboard.api.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/**
 * One HTTP server on one event loop. Several instances share the listening port, so requests are
 * spread over the event loops (one per core by default); the router is shared and stateless.
 */
public final class HttpVerticle extends VerticleBase {
    private final Router router;
    private final int port;
    private HttpServer server;

    /** @param port as Vert.x takes it: a negative port is one free port that every instance shares */
    public HttpVerticle(Router router, int port) {
        this.router = router;
        this.port = port;
    }

    @Override
    public Future<?> start() {
        // the port goes to listen(port): listen() builds its address from the options through a check that
        // refuses the negative port of a shared free port
        return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true))
                .requestHandler(router).listen(port).onSuccess(s -> server = s);
    }

    public int actualPort() {
        return server.actualPort();
    }
}
