package io.switchboard.api.http;

import static io.switchboard.api.http.HttpApi.body;
import static io.switchboard.api.http.HttpApi.principal;
import static io.switchboard.api.http.HttpApi.reply;
import static io.switchboard.api.http.HttpApi.text;

import io.switchboard.chat.ChatChannel;
import io.switchboard.engine.ApiException;
import io.switchboard.engine.RoutingEngine;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The chat channel over HTTP: the customers' WebSocket {@code /chat} (no bearer token: the pre-chat form
 * starts a session) and the widget page {@code /chat/}; for agents, sending and typing in a chat they
 * hold and reading its transcript under {@code /api/v1/interactions/{id}/}; for supervisors, reading any chat's
 * transcript and writing in one an agent holds (a whisper to the agent, or to the customer).
 */
final class ChatApi {
    private final ChatChannel chat;
    private final RoutingEngine engine;

    ChatApi(ChatChannel chat, RoutingEngine engine) {
        this.chat = chat;
        this.engine = engine;
    }

    /** Before the body handler and authentication: a WebSocket upgrade needs the request unread. */
    void mountPublic(Router router) {
        router.get("/chat").handler(ctx -> {
            String upgrade = ctx.request().getHeader("Upgrade");
            if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
                // this route also matches "/chat/" (trailing slash), which is the widget page
                if (ctx.request().path().endsWith("/")) {
                    ctx.next();
                } else {
                    ctx.redirect("/chat/");
                }
                return;
            }
            ctx.request().toWebSocket().onSuccess(chat::accept).onFailure(ctx::fail);
        });
        router.route("/chat/*").handler(StaticHandler.create("webroot/chat"));
    }

    void mount(Router router) {
        router.post("/api/v1/interactions/:id/messages").handler(ctx -> {
            JsonObject body = body(ctx);
            String text = text(body, "text");
            boolean isPrivate = flag(body, "private");
            Principal principal = principal(ctx);
            reply(ctx, principal.isAgent()
                    ? chat.agentMessage(ctx.pathParam("id"), principal.agentId(), text, isPrivate)
                    : chat.supervisorMessage(ctx.pathParam("id"), HttpApi.displayName(ctx, body), text, isPrivate));
        });
        router.post("/api/v1/interactions/:id/typing").handler(ctx ->
                reply(ctx, chat.agentTyping(ctx.pathParam("id"), agent(ctx)).map(v -> new JsonObject())));
        router.get("/api/v1/interactions/:id/messages").handler(ctx -> {
            Principal principal = principal(ctx);
            String id = ctx.pathParam("id");
            Future<Void> allowed = !principal.isAgent() ? Future.succeededFuture()
                    : engine.interaction(id).map(json -> {
                        if (!principal.agentId().equals(json.getString("agentId"))) {
                            throw ApiException.forbidden("this interaction is not assigned to you");
                        }
                        return null;
                    });
            reply(ctx, allowed.compose(v -> chat.transcript(id)));
        });
    }

    private static boolean flag(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (value != null && !(value instanceof Boolean)) {
            throw ApiException.badRequest("'" + field + "' is true or false");
        }
        return Boolean.TRUE.equals(value);
    }

    private static String agent(RoutingContext ctx) {
        Principal principal = principal(ctx);
        if (!principal.isAgent()) {
            throw ApiException.forbidden("only the agent holding the chat writes in it (use an agent token)");
        }
        return principal.agentId();
    }
}
