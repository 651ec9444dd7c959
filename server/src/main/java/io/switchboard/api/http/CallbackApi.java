package io.switchboard.api.http;

import static io.switchboard.api.http.HttpApi.body;
import static io.switchboard.api.http.HttpApi.principal;
import static io.switchboard.api.http.HttpApi.reply;

import io.switchboard.engine.ApiException;
import io.switchboard.engine.RoutingEngine;
import io.switchboard.engine.ScheduledContacts;
import io.switchboard.routing.Channel;
import io.switchboard.routing.InteractionRequest;
import io.switchboard.voice.VoiceChannel;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Callbacks promised for later ("I will call you back tomorrow at ten"): an agent holding a contact schedules one
 * for its customer, to itself first (the workflow's preferred agent, then the queues) or to whoever is free; the
 * supervisor lists and cancels them. The IVR's callbacks for when the queues open are listed here too.
 */
final class CallbackApi {
    private static final Duration FURTHEST = Duration.ofDays(90);
    private static final int MAX_NOTE = 500;

    private final RoutingEngine engine;
    private final java.util.function.Supplier<VoiceChannel> voice;

    /** @param voice the voice channel when one runs (it keeps one waiting callback per number), else null */
    CallbackApi(RoutingEngine engine, java.util.function.Supplier<VoiceChannel> voice) {
        this.engine = engine;
        this.voice = voice;
    }

    void mount(Router router) {
        router.post("/api/v1/interactions/:id/callbacks").handler(this::schedule);
        router.get("/api/v1/callbacks/scheduled").handler(this::list);
        router.get("/api/v1/callbacks/scheduled/:id").handler(ctx -> reply(ctx, visible(ctx)));
        router.delete("/api/v1/callbacks/scheduled/:id").handler(this::cancel);
    }

    /**
     * {"at", "toMe", "number" (default: the contact's), "note"} -> 201 with the scheduled entry. toMe defaults to true
     * for an agent when the default workflow has a preferred agent attribute to keep it by.
     */
    private void schedule(RoutingContext ctx) {
        Principal principal = principal(ctx);
        JsonObject body = body(ctx);
        Instant at = at(body.getValue("at"));
        String number = text(body, "number", 32);
        String note = text(body, "note", MAX_NOTE);
        String preferredAttribute = engine.rules().workflow(engine.rules().defaultWorkflow()).preferredAgentAttribute();
        boolean toMe = toMe(body.getValue("toMe"), principal, preferredAttribute);
        Future<JsonObject> scheduled = engine.interaction(ctx.pathParam("id")).compose(interaction -> {
            String agent = interaction.getString("agentId");
            if (principal.isAgent() && !(principal.agentId().equals(agent) && held(interaction))) {
                throw ApiException.forbidden("an agent schedules callbacks for the contacts it holds");
            }
            if (toMe && agent == null) {
                throw ApiException.conflict("nobody holds this contact: a callback 'toMe' needs its agent");
            }
            String by = principal.isAgent() ? principal.agentId() : null;
            return number(interaction, number).compose(dialable -> {
                InteractionRequest request = request(interaction, dialable, note, toMe ? preferredAttribute : null, agent);
                // refused now rather than failing at its time: the rules must route a callback somewhere
                return engine.routeQueues(request).recover(e -> Future.failedFuture(e instanceof IllegalArgumentException
                                ? ApiException.unprocessable("the rules route no callback for this contact: "
                                + e.getMessage()) : e))
                        .compose(queues -> {
                            // promised for a time nobody works: it would ring no one, or wait out the night in line
                            var closed = engine.hours().allClosed(queues, at);
                            if (closed.isPresent()) {
                                return Future.failedFuture(ApiException.unprocessable("every queue of the callback's "
                                        + "route is closed then; it opens at "
                                        + closed.get().at().atZone(closed.get().zone()).toOffsetDateTime()));
                            }
                            return engine.scheduled().schedule(UUID.randomUUID().toString(), request, at, by)
                                    .compose(entry -> promised(dialable, entry.getString("id"), at).map(entry));
                        });
            });
        });
        scheduled.onSuccess(entry -> ctx.response().setStatusCode(201).putHeader("Content-Type", "application/json")
                .putHeader("Location", "/api/v1/callbacks/scheduled/" + entry.getString("id")).end(entry.encode()))
                .onFailure(ctx::fail);
    }

    /**
     * The number's waiting callback is this one now, so the customer who calls meanwhile and asks for a callback in the
     * IVR is told it stands rather than given a second (two agents would call).
     */
    private Future<Void> promised(String number, String id, Instant at) {
        VoiceChannel channel = voice.get();
        return channel == null ? Future.succeededFuture() : channel.callbackPromised(number, id, at);
    }

    /** Kept for the contact's agent: as asked, else for an agent when the rules have an attribute to keep it by. */
    private static boolean toMe(Object asked, Principal principal, String preferredAttribute) {
        if (asked != null && !(asked instanceof Boolean)) {
            throw ApiException.badRequest("'toMe' must be true or false");
        }
        boolean toMe = asked == null ? principal.isAgent() && preferredAttribute != null : (Boolean) asked;
        if (toMe && preferredAttribute == null) {
            throw ApiException.unprocessable("the default workflow names no preferredAgent attribute: a callback cannot "
                    + "be kept for one agent ('toMe': false gives it to whoever is free)");
        }
        return toMe;
    }

    /** An optional text field: null when absent, blank or null; 400 when not a string or too long. */
    private static String text(JsonObject body, String field, int maxLength) {
        Object value = body.getValue(field);
        if (value != null && !(value instanceof String)) {
            throw ApiException.badRequest("'" + field + "' must be a string");
        }
        String text = value == null ? "" : ((String) value).trim();
        if (text.length() > maxLength) {
            throw ApiException.badRequest("'" + field + "' is at most " + maxLength + " characters");
        }
        return text.isEmpty() ? null : text;
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
    private Future<String> number(JsonObject interaction, String given) {
        JsonObject was = interaction.getJsonObject("attributes", new JsonObject());
        String contacts = given != null ? given : firstNonBlank(was.getValue("callbackNumber"), was.getValue("callerId"));
        String customerId = interaction.getString("customerId");
        Future<String> number = contacts != null || customerId == null ? Future.succeededFuture(contacts)
                : engine.customer(customerId).map(c -> c.phones().isEmpty() ? null : dialable(c.phones().get(0)));
        return number.map(n -> {
            if (n == null || !VoiceChannel.DIALABLE.matcher(n).matches()) {
                throw ApiException.badRequest(n == null ? "the contact and its customer have no number: give 'number'"
                        : "'number' must be a dialable number (digits, '+', '*', '#'), was '" + n + "'"
                        + (given == null ? " (the contact's): give 'number'" : ""));
            }
            return n;
        });
    }

    /** A stored phone as Asterisk dials it: "+1 (555) 123-0001" becomes +15551230001. */
    private static String dialable(String phone) {
        String digits = phone.replaceAll("[^0-9*#]", "");
        return phone.trim().startsWith("+") ? "+" + digits : digits;
    }

    private static String firstNonBlank(Object... values) {
        for (Object value : values) {
            if (value instanceof String s && !s.isBlank()) {
                return s.trim();
            }
        }
        return null;
    }

    /** The callback: to that number, with the contact's customer, case, language and intent. */
    private static InteractionRequest request(JsonObject interaction, String number, String note,
                                              String preferredAttribute, String agent) {
        JsonObject was = interaction.getJsonObject("attributes", new JsonObject());
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("callbackNumber", number);
        attributes.put("followUpOf", interaction.getString("id"));
        for (String kept : new String[] {"language", "intent", "caseId", "customerName"}) {
            if (was.getValue(kept) != null) {
                attributes.put(kept, was.getValue(kept));
            }
        }
        if (note != null) {
            attributes.put("note", note);
        }
        if (preferredAttribute != null) {
            attributes.put(preferredAttribute, agent);
        }
        return new InteractionRequest(Channel.CALLBACK, attributes, interaction.getString("customerId"), null, 0);
    }

    /** ?agentId=&customerId=&limit= (staff: any; an agent: its own). */
    private void list(RoutingContext ctx) {
        Principal principal = principal(ctx);
        String agentId = principal.isAgent() ? principal.agentId() : HttpApi.param(ctx, "agentId");
        int limit = HttpApi.limit(HttpApi.param(ctx, "limit"));
        String customerId = HttpApi.param(ctx, "customerId");
        // a customer's are read from their own index, however many the floor has scheduled
        Future<JsonArray> listed = customerId == null
                ? engine.scheduled().list(ScheduledContacts.by(agentId, null), limit)
                : engine.scheduled().ofCustomer(customerId, ScheduledContacts.MAX_LISTED).map(all -> new JsonArray(
                        all.stream().map(JsonObject.class::cast).filter(ScheduledContacts.by(agentId, customerId))
                                .limit(limit).toList()));
        reply(ctx, listed.map(list -> new JsonObject().put("callbacks", list).put("count", list.size())));
    }

    /** The callback waiting to be made, for staff or the agent who scheduled it; 404 once made. */
    private Future<JsonObject> visible(RoutingContext ctx) {
        Principal principal = principal(ctx);
        String id = ctx.pathParam("id");
        return engine.scheduled().entry(id).map(entry -> {
            if (entry == null) {
                throw ApiException.notFound("no callback '" + id + "' waits to be made (one made is an interaction)");
            }
            if (principal.isAgent() && !principal.agentId().equals(entry.getString("scheduledBy"))) {
                throw ApiException.forbidden("an agent sees and cancels only the callbacks it scheduled");
            }
            return entry;
        });
    }

    /** Staff, or the agent who scheduled it: 200 with what was canceled; 404 once made (cancel the interaction). */
    private void cancel(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        reply(ctx, visible(ctx).compose(entry -> engine.scheduled().cancel(entry).map(result -> switch (result) {
            case CANCELED -> entry;
            case BEING_MADE -> throw ApiException.conflict("callback '" + id + "' is being made now: cancel the "
                    + "interaction it becomes");
            case NOT_FOUND -> throw ApiException.notFound("callback '" + id + "' was made or canceled meanwhile");
        })));
    }
}
