package io.switchboard.api.http;

import static io.switchboard.api.http.HttpApi.body;
import static io.switchboard.api.http.HttpApi.principal;
import static io.switchboard.api.http.HttpApi.reply;

import io.switchboard.engine.ApiException;
import io.switchboard.engine.RoutingEngine;
import io.switchboard.engine.ScheduledContacts;
import io.switchboard.routing.Channel;
import io.switchboard.routing.InteractionRequest;
import io.switchboard.routing.Workflow;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Callbacks promised for later ("I will call you back tomorrow at ten"): an agent holding a contact schedules one
 * for its customer, to itself first (the workflow's preferred agent, then the queues) or to whoever is free; the
 * supervisor lists and cancels them. The IVR's callbacks for when the queues open are listed here too.
 */
final class CallbackApi {
    /** The same numbers click-to-dial takes: nothing else reaches Asterisk. */
    private static final Pattern NUMBER = Pattern.compile("\\+?[0-9*#]{2,20}");
    private static final Duration FURTHEST = Duration.ofDays(90);
    private static final int MAX_NOTE = 500;

    private final RoutingEngine engine;

    CallbackApi(RoutingEngine engine) {
        this.engine = engine;
    }

    void mount(Router router) {
        router.post("/api/v1/interactions/:id/callbacks").handler(this::schedule);
        router.get("/api/v1/callbacks/scheduled").handler(this::list);
        router.delete("/api/v1/callbacks/scheduled/:id").handler(this::cancel);
    }

    /** {"at", "toMe" (default true), "number" (default: the contact's), "note"} -> 201 with the scheduled entry. */
    private void schedule(RoutingContext ctx) {
        Principal principal = principal(ctx);
        JsonObject body = body(ctx);
        Instant at = at(body.getValue("at"));
        boolean toMe = body.getBoolean("toMe", principal.isAgent());
        Future<JsonObject> scheduled = engine.interaction(ctx.pathParam("id")).compose(interaction -> {
            String agent = interaction.getString("agentId");
            if (principal.isAgent() && !(principal.agentId().equals(agent) && held(interaction))) {
                throw ApiException.forbidden("an agent schedules callbacks for the contacts it holds");
            }
            if (toMe && agent == null) {
                throw ApiException.conflict("nobody holds this contact: a callback 'toMe' needs its agent");
            }
            String by = principal.isAgent() ? principal.agentId() : null;
            return number(interaction, body).compose(number -> engine.scheduled().schedule(UUID.randomUUID().toString(),
                    request(interaction, number, body.getString("note", ""), toMe ? agent : null), at, by));
        });
        scheduled.onSuccess(entry -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
                .end(entry.encode())).onFailure(ctx::fail);
    }

    private static boolean held(JsonObject interaction) {
        String status = interaction.getString("status");
        return "assigned".equals(status) || "wrapping".equals(status);
    }

    private Instant at(Object value) {
        Instant at;
        try {
            at = value instanceof Number n ? Instant.ofEpochMilli(n.longValue())
                    : value instanceof String s ? Instant.parse(s) : null;
        } catch (DateTimeParseException e) {
            at = null;
        }
        if (at == null) {
            throw ApiException.badRequest("'at' must be epoch milliseconds or an ISO-8601 instant (2026-12-08T10:00:00Z)");
        }
        Instant now = Instant.ofEpochMilli(engine.now());
        if (!at.isAfter(now) || at.isAfter(now.plus(FURTHEST))) {
            throw ApiException.badRequest("'at' must be in the future, within " + FURTHEST.toDays() + " days");
        }
        return at;
    }

    /** The number given, else the contact's (callbackNumber, callerId), else the customer's first phone. */
    private Future<String> number(JsonObject interaction, JsonObject body) {
        JsonObject was = interaction.getJsonObject("attributes", new JsonObject());
        String customerId = interaction.getString("customerId");
        Future<String> number = body.containsKey("number") ? Future.succeededFuture(body.getString("number", ""))
                : was.containsKey("callbackNumber") || was.containsKey("callerId") || customerId == null
                ? Future.succeededFuture(was.getString("callbackNumber", was.getString("callerId", "")))
                : engine.customer(customerId).map(c -> c.phones().isEmpty() ? "" : c.phones().get(0));
        return number.map(n -> {
            if (!NUMBER.matcher(n).matches()) {
                throw ApiException.badRequest("'number' must be a dialable number (digits, '+', '*', '#'), was '" + n
                        + "'" + (body.containsKey("number") ? "" : ": the contact and its customer have none, give one"));
            }
            return n;
        });
    }

    /** The callback: to that number, with the contact's customer, case, language and intent. */
    private InteractionRequest request(JsonObject interaction, String number, String note, String preferredAgent) {
        JsonObject was = interaction.getJsonObject("attributes", new JsonObject());
        if (note.length() > MAX_NOTE) {
            throw ApiException.badRequest("'note' is at most " + MAX_NOTE + " characters");
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("callbackNumber", number);
        attributes.put("followUpOf", interaction.getString("id"));
        for (String kept : new String[] {"language", "intent", "caseId", "customerName"}) {
            if (was.containsKey(kept)) {
                attributes.put(kept, was.getValue(kept));
            }
        }
        if (!note.isEmpty()) {
            attributes.put("note", note);
        }
        if (preferredAgent != null) {
            Workflow workflow = engine.rules().workflow(engine.rules().defaultWorkflow());
            if (workflow.preferredAgentAttribute() == null) {
                throw ApiException.unprocessable("the default workflow names no preferredAgent attribute: "
                        + "a callback cannot be kept for one agent");
            }
            attributes.put(workflow.preferredAgentAttribute(), preferredAgent);
        }
        return new InteractionRequest(Channel.CALLBACK, attributes, interaction.getString("customerId"), null, 0);
    }

    /** ?agentId=&customerId=&limit= (staff: any; an agent: its own). */
    private void list(RoutingContext ctx) {
        Principal principal = principal(ctx);
        String agentId = principal.isAgent() ? principal.agentId() : ctx.request().getParam("agentId");
        int limit = HttpApi.limit(ctx.request().getParam("limit"));
        reply(ctx, engine.scheduled().list(ScheduledContacts.by(agentId, ctx.request().getParam("customerId")), limit)
                .map(list -> new JsonObject().put("callbacks", list).put("count", list.size())));
    }

    /** Staff, or the agent who scheduled it: 200 with what was canceled; 404 once made (cancel the interaction). */
    private void cancel(RoutingContext ctx) {
        Principal principal = principal(ctx);
        String id = ctx.pathParam("id");
        reply(ctx, engine.scheduled().entry(id).compose(entry -> {
            if (entry == null) {
                throw ApiException.notFound("no callback '" + id + "' waits to be made (one made is an interaction)");
            }
            if (principal.isAgent() && !principal.agentId().equals(entry.getString("scheduledBy"))) {
                throw ApiException.forbidden("an agent cancels only the callbacks it scheduled");
            }
            return engine.scheduled().cancel(id).map(canceled -> {
                if (!canceled) {
                    throw ApiException.notFound("callback '" + id + "' was made or canceled meanwhile");
                }
                return entry;
            });
        }));
    }
}
