package io.switchboard.api.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.chat.ChatChannel;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.email.EmailChannel;
import io.switchboard.email.EmailReplies;
import io.switchboard.email.SelfService;
import io.switchboard.store.redis.RateLimiter;
import io.switchboard.engine.ApiException;
import io.switchboard.engine.CannedResponses;
import io.switchboard.engine.CaseService;
import io.switchboard.engine.CustomerRecords;
import io.switchboard.engine.CustomerService;
import io.switchboard.engine.LiveInteractions;
import io.switchboard.engine.RoutingEngine;
import io.switchboard.engine.SlaService;
import io.switchboard.engine.StatsService;
import io.switchboard.routing.Agent;
import io.switchboard.routing.Channel;
import io.switchboard.routing.Ids;
import io.switchboard.routing.Customer;
import io.switchboard.routing.InteractionRequest;
import io.switchboard.rules.CelConditions;
import io.switchboard.rules.RulesWatcher;
import io.switchboard.voice.CallAttributes;
import io.switchboard.voice.VoiceChannel;
import io.switchboard.store.redis.RoutingStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntFunction;

/** The REST and WebSocket API, {@code /api/v1}; its contract is {@code openapi.yaml} beside this class. */
public final class HttpApi {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpApi.class);
    private final Vertx vertx;
    private final RoutingEngine engine;
    private final StatsService stats;
    private final Authenticator auth;
    private final AgentEventHub hub;
    private long deskChecks = -1;
    private final SupervisorEventHub consoles;
    private final PrometheusMeterRegistry registry;
    private final RulesWatcher<?> rulesWatcher;
    private final long maxBodyBytes;
    private final SlaApi slaApi;
    private final java.util.function.Supplier<VoiceChannel> voiceChannel;
    private final CaseApi cases;
    private final CustomerService customers;
    private final ChatApi chat;
    private final EmailApi emailApi;
    private final SelfServiceApi selfService;
    private final DeskApi desk;
    private final FloorApi floor;
    private final CallbackApi callbacks;
    private final MonitorApi monitors;
    private final ResponsesApi responses;
    private final RateLimiter limits;
    /** Failed logins of one agent id, and from one client, per window: no PIN is guessed by trying them all. */
    static final int LOGIN_FAILURES_PER_AGENT = 10;
    static final int LOGIN_FAILURES_PER_CLIENT = 100;
    /** Longer than any PIN an agent is given (PUT /agents takes 4 to 12 digits). */
    private static final int MAX_PIN = 64;
    static final java.time.Duration LOGIN_WINDOW = java.time.Duration.ofMinutes(15);

    public HttpApi(Vertx vertx, RoutingEngine engine, RoutingStore store, SwitchboardConfig config, String adminKey,
                   AgentEventHub hub, PrometheusMeterRegistry registry, RulesWatcher<?> rulesWatcher, SlaService sla,
                   SupervisorEventHub supervisors, java.util.function.Supplier<VoiceChannel> voiceChannel,
                   CaseService caseService, CustomerService customers, ChatChannel chat, EmailChannel email) {
        this.voiceChannel = voiceChannel;
        this.consoles = supervisors;
        this.vertx = vertx;
        this.engine = engine;
        this.stats = new StatsService(store, engine, config.costs(), config.stats().timeZone(),
                config.stats().realtimeMaxAge());
        this.auth = new Authenticator(adminKey, config.security(), store, store.clock(), engine::session);
        this.hub = hub;
        this.registry = registry;
        this.rulesWatcher = rulesWatcher;
        this.maxBodyBytes = config.http().maxBodyBytes();
        this.slaApi = new SlaApi(sla);
        this.cases = new CaseApi(caseService, sla, email::thread, customers, email::moveThread);
        this.customers = customers;
        this.chat = new ChatApi(chat, engine);
        this.emailApi = new EmailApi(email, new EmailReplies(email, engine, caseService), this::ownInteraction,
                cases::visible);
        this.limits = new RateLimiter(store);
        this.selfService = new SelfServiceApi(new SelfService(caseService, engine, email, limits));
        this.desk = new DeskApi(engine, config.desktop());
        this.floor = new FloorApi(engine);
        this.callbacks = new CallbackApi(engine, voiceChannel);
        this.monitors = new MonitorApi(voiceChannel);
        this.responses = new ResponsesApi(new CannedResponses(store, engine, caseService), this::ownInteraction);
    }

    /** Loads what the API needs from Redis before it serves. */
    public Future<Void> start() {
        return auth.start().onSuccess(v -> deskChecks = hub.startRechecks(vertx, engine::session));
    }

    public void stop() {
        vertx.cancelTimer(deskChecks);
    }

    public Router router() {
        Router router = Router.router(vertx);
        router.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "UP")));
        router.get("/health/ready").handler(this::ready);
        router.get("/api/v1/openapi.yaml").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/yaml").end(OPENAPI));

        // before the body handler: a WebSocket upgrade needs the request unread
        router.get("/api/v1/agents/:id/events").handler(HttpApi::webSocketOnly).handler(auth::handle)
                .handler(this::agentEvents);
        chat.mountPublic(router);
        router.get("/api/v1/supervisor/events").handler(HttpApi::webSocketOnly).handler(auth::handle)
                .handler(this::supervisorEvents);
        router.route("/api/v1/*").handler(HttpApi::jsonBodies);
        router.route("/api/v1/*").handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
        router.post("/api/v1/auth/agent").handler(this::agentLogin);
        selfService.mountPublic(router);
        router.route("/api/v1/*").handler(auth::handle);
        router.get("/metrics").handler(auth::handle).handler(ctx -> {
            principal(ctx).requireStaff();
            ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape());
        });

        // every contact's lifecycle first: Vert.x Web tries the path pattern of each route in the order they were
        // added, so these busiest requests no longer run the patterns of the whole API before their own
        router.post("/api/v1/interactions").handler(this::createInteraction);
        router.get("/api/v1/interactions").handler(this::findInteractions);
        router.post("/api/v1/reservations/:id/accept").handler(ctx -> reservation(ctx, true));
        router.post("/api/v1/reservations/:id/reject").handler(ctx -> reservation(ctx, false));
        router.post("/api/v1/interactions/:id/complete").handler(ctx -> {
            JsonObject body = body(ctx);
            desk.requireKnownDisposition(text(body, "disposition"));
            double amount = body.getDouble("amount", 0.0);
            if (amount < 0 || amount > 1e9 || Double.isNaN(amount)) {
                throw ApiException.badRequest("amount must be between 0 and 1e9");
            }
            desk.requireRevenueCode(text(body, "disposition"), amount);
            reply(ctx, engine.complete(ctx.pathParam("id"), text(body, "disposition"), text(body, "notes"),
                    actor(ctx), Math.round(amount * 100)));
        });

        router.get("/api/v1/agents").handler(ctx -> {
            principal(ctx).requireStaff();
            String ids = ctx.request().getParam("ids");
            reply(ctx, (ids == null ? engine.agents() : engine.agents(agentIds(ids)))
                    .map(list -> new JsonArray(new ArrayList<>(list))));
        });
        router.get("/api/v1/agents/:id").handler(ctx -> {
            principal(ctx).requireSelfOrStaff(ctx.pathParam("id"));
            reply(ctx, engine.agent(ctx.pathParam("id")));
        });
        router.put("/api/v1/agents/:id").handler(this::putAgent);
        router.post("/api/v1/agents/:id/state").handler(this::agentState);
        router.post("/api/v1/agents/:id/sign-out").handler(this::signOut);

        router.get("/api/v1/interactions/:id").handler(ctx -> reply(ctx, ownInteraction(ctx).compose(this::withWait)
                .compose(this::withCall)));
        emailApi.mount(router);
        router.patch("/api/v1/interactions/:id").handler(this::updateAttributes);
        router.get("/api/v1/interactions/:id/customer").handler(ctx -> reply(ctx, ownInteraction(ctx)
                .compose(json -> {
                    String customerId = json.getString("customerId");
                    if (customerId == null) {
                        throw ApiException.notFound("interaction " + json.getString("id") + " names no customer");
                    }
                    return engine.customer(customerId);
                }).map(CustomerRecords::json)));
        router.post("/api/v1/interactions/:id/wrapup").handler(ctx ->
                reply(ctx, engine.wrapUp(ctx.pathParam("id"), actor(ctx))));
        router.post("/api/v1/interactions/:id/cancel").handler(this::cancel);
        router.post("/api/v1/interactions/:id/hangup").handler(ctx -> reply(ctx, ownInteraction(ctx)
                .compose(i -> voice().hangup(i)).map(v -> new JsonObject().put("status", "hanging_up"))));
        router.post("/api/v1/interactions/:id/redial").handler(ctx -> reply(ctx, ownInteraction(ctx)
                .compose(i -> voice().callBackAgain(i))));
        router.post("/api/v1/interactions/:id/hold").handler(ctx -> reply(ctx, ownInteraction(ctx)
                .compose(i -> voice().calls().hold(i))));
        router.post("/api/v1/interactions/:id/unhold").handler(ctx -> reply(ctx, ownInteraction(ctx)
                .compose(i -> voice().calls().unhold(i))));
        router.post("/api/v1/interactions/:id/recording/pause").handler(ctx -> reply(ctx, ownInteraction(ctx)
                .compose(i -> voice().recorder().pause(i, actorName(ctx)))));
        router.post("/api/v1/interactions/:id/recording/resume").handler(ctx -> reply(ctx, ownInteraction(ctx)
                .compose(i -> voice().recorder().resume(i, actorName(ctx)))));
        router.post("/api/v1/interactions/:id/consult").handler(ctx -> {
            JsonObject body = body(ctx);
            reply(ctx, ownInteraction(ctx).compose(i -> voice().calls().consult(i, text(body, "agentId"),
                    text(body, "number"), actor(ctx))));
        });
        router.post("/api/v1/interactions/:id/consult/complete").handler(ctx -> reply(ctx, ownInteraction(ctx)
                .compose(i -> voice().calls().completeConsult(i, actor(ctx)))));
        router.post("/api/v1/interactions/:id/consult/cancel").handler(ctx -> reply(ctx, ownInteraction(ctx)
                .compose(i -> voice().calls().cancelConsult(i, actor(ctx)))));
        router.post("/api/v1/agents/:id/dial").handler(ctx -> {
            String agentId = ctx.pathParam("id");
            principal(ctx).requireSelfOrStaff(agentId);
            JsonObject body = body(ctx);
            String number = required(body, "number");
            Object customerId = body.getValue("customerId");
            if (customerId != null && !(customerId instanceof String)) {
                throw ApiException.badRequest("'customerId' is a string");
            }
            // the call out makes its customer one the agent serves (their 360° view, cases, mail): an agent names only a
            // customer it serves already, or the one whose number it dials
            Principal principal = principal(ctx);
            Future<Boolean> allowed = customerId == null || !principal.isAgent() ? Future.succeededFuture(true)
                    : customers.agentServes(agentId, (String) customerId).compose(serves -> serves
                            ? Future.succeededFuture(true)
                            : engine.customerIdByPhone(number).map(customerId::equals));
            reply(ctx, allowed.compose(ok -> ok ? voice().dialOut(agentId, number, (String) customerId)
                    : Future.<JsonObject>failedFuture(ApiException.forbidden(
                            "an agent calls out for a customer it serves, or the one whose number it dials")))
                    .map(created -> created.put("status", "dialing")));
        });
        router.post("/api/v1/interactions/:id/transfer").handler(this::transfer);

        router.get("/api/v1/queues").handler(ctx -> {
            List<Future<JsonObject>> stats = engine.rules().queues().keySet().stream().sorted()
                    .map(engine::queueStats).toList();
            reply(ctx, Future.all(stats).map(c -> new JsonArray(stats.stream().map(Future::result).toList())));
        });
        router.get("/api/v1/queues/:name/stats").handler(ctx -> reply(ctx, engine.queueStats(ctx.pathParam("name"))));

        router.get("/api/v1/stats/realtime").handler(ctx -> {
            principal(ctx).requireStaff();
            // each queue says when the (shared) reading was taken: a console counts the longest wait on from then
            reply(ctx, stats.floorNow().map(floor -> new JsonArray(floor.getJsonArray("queues").stream()
                    .map(q -> ((JsonObject) q).copy().put("readAt", floor.getLong("at"))).toList())));
        });
        router.get("/api/v1/stats/cumulative").handler(ctx -> {
            principal(ctx).requireStaff();
            long now = stats.now();
            reply(ctx, stats.cumulative(instant(ctx, "from", now - 24 * 3_600_000L), instant(ctx, "to", now)));
        });
        router.get("/api/v1/stats/today").handler(ctx -> {
            principal(ctx).requireStaff();
            reply(ctx, stats.today());
        });

        router.post("/api/v1/routing/explain").handler(ctx -> {
            principal(ctx).requireStaff();
            reply(ctx, engine.explain(interactionRequest(body(ctx))).map(e -> ExplanationJson.of(e, engine.hours()::isOpen)));
        });
        router.get("/api/v1/interactions/:id/explain").handler(ctx -> {
            principal(ctx).requireStaff();
            reply(ctx, engine.explainWaiting(ctx.pathParam("id")).map(w -> ExplanationJson.of(w, engine.hours()::isOpen)));
        });
        router.get("/api/v1/routing/rules").handler(ctx -> {
            principal(ctx).requireStaff();
            ctx.json(rulesWatcher.status());
        });

        slaApi.mount(router);

        router.post("/api/v1/customers").handler(this::importCustomers);
        router.get("/api/v1/customers/:id").handler(this::customerView);

        cases.mount(router);
        chat.mount(router);
        desk.mount(router);
        floor.mount(router);
        callbacks.mount(router);
        monitors.mount(router);
        responses.mount(router);

        pages(router);

        router.route().failureHandler(Errors::handle);
        // no route for the path; or one for the path, not for its method (a GET on an action that is a POST)
        router.errorHandler(404, ctx -> Errors.send(ctx, 404, "not_found", "no such endpoint"));
        router.errorHandler(405, ctx -> Errors.send(ctx, 405, "method_not_allowed",
                ctx.request().method() + " is not allowed on " + ctx.request().path()));
        return router;
    }

    /**
     * The agent desktop and the supervisor console: static pages from {@code webroot/} on the class path,
     * outside the bearer-auth routes (they are public files; the pages log in through the API). Each page
     * lives in a folder so its relative links work; {@code /agent} redirects to {@code /agent/}.
     */
    private static void pages(Router router) {
        for (String page : List.of("agent", "supervisor", "self-service")) {
            // Vert.x matches "/agent" for "/agent/" too: redirect the bare name only
            router.get("/" + page).handler(ctx -> {
                if (ctx.request().path().endsWith("/")) {
                    ctx.next();
                } else {
                    ctx.redirect("/" + page + "/");
                }
            });
        }
        for (String folder : List.of("agent", "supervisor", "self-service", "shared")) {
            router.get("/" + folder + "/*").handler(HttpApi::pageHeaders)
                    .handler(StaticHandler.create("webroot/" + folder).setCachingEnabled(false));
        }
    }

    /** The pages run only their own scripts and talk only to this server: an injected script goes nowhere. */
    private static void pageHeaders(RoutingContext ctx) {
        ctx.response()
                .putHeader("Content-Security-Policy", "default-src 'self'; connect-src 'self'; "
                        + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer");
        ctx.next();
    }

    /** Ready when Redis answers a PING within a second: a probe that hung for the command timeout told nothing. */
    private void ready(RoutingContext ctx) {
        engine.ping().timeout(1, java.util.concurrent.TimeUnit.SECONDS).onComplete(ar -> {
            if (ar.succeeded()) {
                ctx.json(new JsonObject().put("status", "UP").put("redis", "UP"));
            } else {
                ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("status", "DOWN").put("redis", "DOWN").encode());
                LOG.warn("not ready: Redis does not answer: {}", ar.cause().getMessage());
            }
        });
    }

    /**
     * A PIN for a token. Failed attempts are limited per agent id and per client, across all nodes: a 4-digit PIN is not
     * guessed at 10 tries per 15 minutes. An attempt counts against its agent before the PIN is checked and is forgiven
     * if right, so guesses sent all at once get no further than one by one; the same holds per client (a whole floor
     * behind one address logs in at shift start: its right PINs are forgiven, only failures stay counted). The price:
     * anyone can lock an agent out for 15 minutes by failing on purpose. An id no agent could have is refused before
     * any counter is written: each would be a Redis key of the caller's choosing.
     */
    private void agentLogin(RoutingContext ctx) {
        JsonObject body = body(ctx);
        String agentId = required(body, "agentId");
        String pin = required(body, "pin");
        if (!Ids.isValid(agentId) || pin.length() > MAX_PIN) {
            throw new ApiException(401, "unauthorized", "wrong agent id or PIN");
        }
        String client = RateLimiter.client(ctx.request().remoteAddress() == null ? null
                : ctx.request().remoteAddress().hostAddress());
        Future<Boolean> byAgent = limits.hit("login-agent", agentId, LOGIN_FAILURES_PER_AGENT, LOGIN_WINDOW);
        Future<Boolean> byClient = limits.hit("login-client", client, LOGIN_FAILURES_PER_CLIENT, LOGIN_WINDOW);
        reply(ctx, Future.all(byAgent, byClient).compose(v -> byAgent.result() && byClient.result()
                ? engine.sessionFor(agentId, pin)
                // refused unchecked: no guess was made, so neither counter keeps it (retries from a locked desk
                // would otherwise lock its whole office out)
                : Future.all(limits.forgive("login-agent", agentId), limits.forgive("login-client", client))
                        .transform(x -> Future.<Long>failedFuture(ApiException.tooManyRequests("too_many_requests",
                                "too many failed logins for this agent or from this address; try again in 15 minutes",
                                LOGIN_WINDOW))))
                .compose(session -> {
            if (session == null) {
                return Future.failedFuture(new ApiException(401, "unauthorized", "wrong agent id or PIN"));
            }
            return Future.all(limits.forgive("login-agent", agentId), limits.forgive("login-client", client))
                    .map(v -> new JsonObject()
                    .put("token", auth.issueAgentToken(agentId, session))
                    .put("agentId", agentId).put("expiresInSeconds", auth.tokenTtlSeconds()));
        }));
    }

    /** Skills one agent may have: a profile, not a catalogue (each is a hash field every routing step reads). */
    private static final int MAX_SKILLS = 200;

    private void putAgent(RoutingContext ctx) {
        principal(ctx).requireAdmin();
        JsonObject body = body(ctx);
        // a PUT replaces the profile: a misspelt key would silently drop what it meant to set (all the skills)
        body.fieldNames().stream().filter(f -> !AGENT_FIELDS.contains(f) && !AGENT_READ_ONLY.contains(f)).findFirst()
                .ifPresent(f -> {
                    throw ApiException.badRequest("unknown agent field '" + f + "'; the fields are " + AGENT_FIELDS);
                });
        String id = ctx.pathParam("id");
        Map<String, Integer> skills = new LinkedHashMap<>();
        JsonObject skillJson = object(body, "skills");
        if (skillJson.size() > MAX_SKILLS) {
            throw ApiException.badRequest("an agent has at most " + MAX_SKILLS + " skills, was " + skillJson.size());
        }
        skillJson.forEach(e -> {
            if (!io.switchboard.routing.Ids.isValid(e.getKey())) { // rules name skills (agent.skills.billing)
                throw ApiException.badRequest("skill names are 1-64 letters, digits, '-', '_' or '.', was '"
                        + e.getKey() + "'");
            }
            skills.put(e.getKey(), integer(e.getValue(), "skills." + e.getKey()));
        });
        Map<String, Integer> queuePriority = new LinkedHashMap<>();
        object(body, "queuePriority").forEach(e ->
                queuePriority.put(e.getKey(), integer(e.getValue(), "queuePriority." + e.getKey())));
        Map<Channel, Integer> capacity = new EnumMap<>(Channel.class);
        object(body, "capacity").forEach(e ->
                capacity.put(Channel.parse(e.getKey()), integer(e.getValue(), "capacity." + e.getKey())));
        JsonObject attributes = object(body, "attributes");
        if (attributes.encode().length() > RoutingEngine.MAX_ATTRIBUTES_JSON) { // read by every membership rule
            throw ApiException.unprocessable("an agent's attributes are at most " + RoutingEngine.MAX_ATTRIBUTES_JSON
                    + " characters of JSON");
        }
        Agent agent = new Agent(id, text(body, "name"), text(body, "endpoint"), text(body, "team"),
                skills, capacity, attributes.getMap(),
                Agent.exclusiveFrom(object(body, "crossChannel").getMap()), queuePriority, autoAccept(body));
        String pin = text(body, "pin");
        if (pin != null && !pin.matches("\\d{4,12}")) {
            throw ApiException.badRequest("pin must be 4-12 digits");
        }
        reply(ctx, engine.upsertAgent(agent, pin));
    }

    private void agentState(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        principal(ctx).requireSelfOrStaff(id);
        JsonObject body = body(ctx);
        String state = required(body, "state").toLowerCase(Locale.ROOT);
        if (!List.of("available", "away", "offline").contains(state)) {
            throw ApiException.badRequest("state must be available, away or offline (the others are set by routing)");
        }
        String reason = text(body, "reason", state.equals("away") ? "break" : "");
        if (reason.length() > 64) {
            throw ApiException.badRequest("reason is at most 64 characters");
        }
        reply(ctx, engine.setAgentState(id, state, reason));
    }

    /**
     * The agent's own "Log out", or a supervisor's: every token of the agent stops working, on every node, its desks
     * are closed, and it is offline. What it holds stays assigned to it (a supervisor transfers it if it must move).
     */
    private void signOut(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        Principal principal = principal(ctx);
        principal.requireSelfOrStaff(id);
        reply(ctx, engine.signOut(id, principal.isAgent() ? "signed_out" : "signed_out_by_supervisor"));
    }

    private void createInteraction(RoutingContext ctx) {
        principal(ctx).requireStaff();
        InteractionRequest request = interactionRequest(body(ctx));
        refuseCallLink(request.attributes());
        engine.createInteraction(request).onSuccess(json -> {
            ctx.response().setStatusCode(201).putHeader("Location", "/api/v1/interactions/" + json.getString("id"));
            ctx.json(json);
        }).onFailure(ctx::fail);
    }

    /** ?status=queued,reserved&queue=&agentId=&channel=&where=<CEL>&limit= (staff). */
    private void findInteractions(RoutingContext ctx) {
        principal(ctx).requireStaff();
        Set<String> statuses = new java.util.HashSet<>();
        String statusParam = param(ctx, "status");
        for (String s : statusParam == null ? LiveInteractions.STATUSES : List.of(statusParam.split(","))) {
            if (!LiveInteractions.STATUSES.contains(s.trim())) {
                throw ApiException.badRequest("status is a list of " + new TreeSet<>(LiveInteractions.STATUSES)
                        + " (finished interactions are in the customer's and the case's history), was '" + s + "'");
            }
            statuses.add(s.trim());
        }
        String channel = param(ctx, "channel");
        String where = param(ctx, "where");
        reply(ctx, engine.live().find(new LiveInteractions.Query(statuses, param(ctx, "queue"), param(ctx, "agentId"),
                channel == null ? null : Channel.parse(channel).wireName(),
                where == null ? null : conditions.interaction(where), limit(param(ctx, "limit")))));
    }

    /** A query parameter, null when absent or blank. */
    static String param(RoutingContext ctx, String name) {
        String value = ctx.request().getParam(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    static int limit(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_LIST;
        }
        if (!value.matches("\\d{1,4}") || Integer.parseInt(value) < 1 || Integer.parseInt(value) > MAX_LIST) {
            throw ApiException.badRequest("'limit' must be a whole number from 1 to " + MAX_LIST);
        }
        return Integer.parseInt(value);
    }

    private InteractionRequest interactionRequest(JsonObject body) {
        Channel channel = Channel.parse(required(body, "channel"));
        String customerId = text(body, "customerId");
        if (customerId != null && !io.switchboard.routing.Ids.isValid(customerId)) {
            throw ApiException.badRequest("customerId must be 1-64 letters, digits, '-', '_' or '.'");
        }
        int priority = body.getValue("priority") == null ? 0 : integer(body.getValue("priority"), "priority"); // not 1.5 as 1
        if (priority < -100 || priority > 100) {
            throw ApiException.badRequest("priority must be between -100 and 100");
        }
        String workflow = text(body, "workflow");
        if (workflow != null && engine.rules().workflow(workflow) == null) {
            throw ApiException.unprocessable("unknown workflow '" + workflow + "'");
        }
        JsonObject attributes = object(body, "attributes");
        if (attributes.encode().length() > RoutingEngine.MAX_ATTRIBUTES_JSON) {
            throw ApiException.unprocessable("attributes are at most " + RoutingEngine.MAX_ATTRIBUTES_JSON
                    + " characters of JSON: keep documents in the CRM and put their ids here");
        }
        return new InteractionRequest(channel, attributes.getMap(), customerId, workflow, priority);
    }

    /**
     * The interaction, if the caller may see it: staff always, an agent only while it is theirs (offered
     * to them or held by them: a reservation names its agent on the interaction too).
     */
    private Future<JsonObject> ownInteraction(RoutingContext ctx) {
        Principal principal = principal(ctx);
        return engine.interaction(ctx.pathParam("id")).map(json -> {
            if (principal.isAgent() && !principal.agentId().equals(json.getString("agentId"))) {
                throw ApiException.forbidden("this interaction is not assigned to you");
            }
            return json;
        });
    }

    /** A waiting interaction's estimated wait at its position (the one formula of /stats/realtime). */
    private Future<JsonObject> withWait(JsonObject interaction) {
        Integer position = interaction.getInteger("position");
        if (position == null) {
            return Future.succeededFuture(interaction);
        }
        // an estimate that cannot be made (a queue gone from the rules) must not hide the interaction
        return stats.estimatedWait(interaction.getString("queue"), position)
                .map(wait -> interaction.put("estimatedWaitSeconds", wait))
                .otherwise(interaction);
    }

    /**
     * A call being talked on (inbound, or a callback) carries its hold, warm-transfer and recording state, for the
     * agent's call controls.
     */
    private Future<JsonObject> withCall(JsonObject interaction) {
        VoiceChannel voice = voiceChannel.get();
        String channel = interaction.getString("channel");
        if (voice == null || !("voice".equals(channel) || "callback".equals(channel))
                || !"assigned".equals(interaction.getString("status"))) {
            return Future.succeededFuture(interaction);
        }
        return voice.callState(interaction.getString("id")).map(call -> interaction.put("call", call));
    }

    /** Staff on any interaction; an agent on the one it holds or is offered (the store checks, atomically). */
    private void updateAttributes(RoutingContext ctx) {
        JsonObject body = body(ctx);
        if (!(body.getValue("attributes") instanceof JsonObject patch) || patch.isEmpty()) {
            throw ApiException.badRequest("'attributes' must be a non-empty JSON object (a merge patch: null removes)");
        }
        refuseCallLink(patch.getMap());
        reply(ctx, engine.updateAttributes(ctx.pathParam("id"), patch.getMap(), actor(ctx)));
    }

    /** Call control acts on the Asterisk channel {@code voice} names: only the voice channel may write it. */
    private static void refuseCallLink(Map<String, ?> attributes) {
        if (attributes.containsKey(CallAttributes.KEY)) {
            throw ApiException.badRequest("'" + CallAttributes.KEY + "' is the call's link to Asterisk, which only the "
                    + "voice channel writes");
        }
    }

    private void cancel(RoutingContext ctx) {
        principal(ctx).requireStaff();
        JsonObject body = body(ctx);
        String status = body.getBoolean("abandoned", false) ? "abandoned" : "canceled";
        reply(ctx, engine.cancel(ctx.pathParam("id"), status, text(body, "reason", status)));
    }

    private void transfer(RoutingContext ctx) {
        JsonObject body = body(ctx);
        String queue = text(body, "queue");
        String agentId = text(body, "agentId");
        if ((queue == null) == (agentId == null)) {
            throw ApiException.badRequest("give exactly one of 'queue' or 'agentId'");
        }
        String id = ctx.pathParam("id");
        reply(ctx, queue != null ? engine.transferToQueue(id, queue, actor(ctx))
                : engine.transferToAgent(id, agentId, actor(ctx)));
    }

    private void reservation(RoutingContext ctx, boolean accept) {
        Principal principal = principal(ctx);
        String id = ctx.pathParam("id");
        JsonObject body = body(ctx);
        String agentId = principal.isAgent() ? principal.agentId() : text(body, "agentId");
        if (agentId == null) {
            throw ApiException.badRequest("staff must name the 'agentId' the reservation belongs to");
        }
        int dot = id.lastIndexOf('.');
        VoiceChannel voice = voiceChannel.get();
        Future<Boolean> onThePhone = dot > 0 && voice != null ? voice.ringsAPhone(id.substring(0, dot))
                : Future.succeededFuture(false);
        reply(ctx, onThePhone.compose(phone -> {
            // a call from Asterisk is offered by ringing the agent's phone: answering (or not) there is the answer;
            // an accept here would say talking while the phone rings on, a reject re-queue a caller who answered
            if (phone) {
                return Future.failedFuture(ApiException.conflict("a call is answered on the phone, not here"));
            }
            return accept ? engine.accept(id, agentId) : engine.reject(id, agentId, text(body, "reason"));
        }));
    }

    /** A WebSocket endpoint: the upgrade is left unread for the handshake; a plain request is told to upgrade. */
    private static void webSocketOnly(RoutingContext ctx) {
        String upgrade = ctx.request().getHeader("Upgrade");
        if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
            ctx.response().putHeader("Upgrade", "websocket");
            Errors.send(ctx, 426, "upgrade_required", "this endpoint is a WebSocket: send an upgrade request");
            return;
        }
        ctx.request().pause();
        ctx.next();
    }

    private void agentEvents(RoutingContext ctx) {
        String id = ctx.pathParam("id");
        principal(ctx).requireSelfOrStaff(id);
        // on the hub before the agent is read: an offer made meanwhile comes before the hello, which then shows it too
        // (read after); read first, it would reach no socket and the hello would not show it
        engine.agent(id).compose(known -> ctx.request().toWebSocket()).onSuccess(ws -> {
            Principal principal = principal(ctx);
            hub.add(id, principal.isAgent() ? principal.session() : AgentEventHub.STAFF, ws);
            if (principal.isAgent()) {
                // signed out between the token's check and the socket's joining the hub: its signed_out went by
                engine.session(id).onComplete(current -> {
                    if (current.failed() || current.result() != principal.session()) {
                        ws.close((short) 1008, "signed out");
                    }
                });
            }
            engine.agent(id).onSuccess(agent -> ws.writeTextMessage(new JsonObject().put("type", "hello")
                    .put("agent", agent).encode())).onFailure(e -> ws.close((short) 1011, "agent not read"));
        }).onFailure(ctx::fail);
    }

    /** The 360° view: staff see every customer, an agent the customer of an interaction it holds or is offered. */
    private void customerView(RoutingContext ctx) {
        Principal principal = principal(ctx);
        String id = ctx.pathParam("id");
        Future<Boolean> allowed = principal.isAgent() ? customers.agentServes(principal.agentId(), id)
                : Future.succeededFuture(true);
        reply(ctx, allowed.compose(ok -> ok ? customers.view(id) : Future.failedFuture(
                ApiException.forbidden("an agent may read the customer of an interaction it holds or is offered"))));
    }

    private void supervisorEvents(RoutingContext ctx) {
        principal(ctx).requireStaff();
        ctx.request().toWebSocket().onSuccess(ws -> {
            // a console may take a burst (an SLA sweep firing thousands of steps at once) before it counts as slow
            ws.setWriteQueueMaxSize(CONSOLE_WRITE_QUEUE_BYTES);
            consoles.add(ws);
            // one frame at a time: a watch (which reads the interaction) is answered before an unwatch sent after it
            Future<?>[] tail = {Future.succeededFuture()};
            ws.textMessageHandler(text -> tail[0] = tail[0].eventually(() -> consoleFrame(ws, text)
                    .onSuccess(reply -> ws.writeTextMessage(reply.encode()))));
            // the console reads the floor over REST after this, so it misses nothing in between
            ws.writeTextMessage(new JsonObject().put("type", "hello").encode());
        }).onFailure(ctx::fail);
    }

    /**
     * A console's own frame: {@code watch} / {@code unwatch} {@code {interaction}} start and stop a chat's messages
     * on this socket. The answer says which it did; a watch comes before the console reads the transcript, so no
     * message falls between the two (the console orders and de-duplicates them by seq).
     */
    private Future<JsonObject> consoleFrame(ServerWebSocket ws, String text) {
        JsonObject frame;
        try {
            frame = new JsonObject(text);
        } catch (io.vertx.core.json.DecodeException e) {
            return Future.succeededFuture(consoleError("frames are JSON objects", null));
        }
        Object type = frame.getValue("type");
        if (!"watch".equals(type) && !"unwatch".equals(type)) {
            return Future.succeededFuture(consoleError("unknown frame type '" + type + "' (watch, unwatch)", null));
        }
        Object id = frame.getValue("interaction");
        if (!(id instanceof String interaction) || interaction.isBlank() || interaction.length() > 128) {
            return Future.succeededFuture(consoleError("'" + type + "' needs an 'interaction' id", null));
        }
        if ("unwatch".equals(type)) {
            consoles.unwatch(ws, interaction);
            return Future.succeededFuture(new JsonObject().put("type", "unwatched").put("interaction", interaction));
        }
        // only a chat has lines to watch: an unknown id or a call would take one of the console's places for nothing
        return engine.interaction(interaction).map(found -> !"chat".equals(found.getString("channel"))
                ? consoleError("only a chat can be watched; " + interaction + " is a " + found.getString("channel"), interaction)
                : consoles.watch(ws, interaction) ? new JsonObject().put("type", "watching").put("interaction", interaction)
                : consoleError("a console watches at most " + SupervisorEventHub.MAX_WATCHED + " chats at once",
                        interaction))
                .otherwise(e -> consoleError(e instanceof ApiException api && api.status() == 404
                        ? "no interaction " + interaction : "could not read " + interaction + ": try again", interaction));
    }

    /** An error frame; with the interaction a refused watch named, so the page can tell which. */
    private static JsonObject consoleError(String message, String interaction) {
        JsonObject error = new JsonObject().put("type", "error").put("message", message);
        return interaction == null ? error : error.put("interaction", interaction);
    }

    private void importCustomers(RoutingContext ctx) {
        principal(ctx).requireAdmin();
        String contentType = ctx.request().getHeader("Content-Type");
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("text/csv")) {
            importCsv(ctx);
            return;
        }
        // one customer or an array of them (asJsonArray() on an object body throws, so look first)
        boolean isArray = ctx.body() != null && ctx.body().length() > 0 && ctx.body().asString().strip().startsWith("[");
        Object parsed = isArray ? ctx.body().asJsonArray() : body(ctx);
        List<Customer> customers = new ArrayList<>();
        if (parsed instanceof JsonArray array) {
            for (int i = 0; i < array.size(); i++) {
                customers.add(CustomerJson.parse(array.getValue(i), "[" + i + "]"));
            }
        } else {
            customers.add(CustomerJson.parse(parsed, ""));
        }
        for (Customer c : customers) {
            if (!engine.priority().knowsTier(c.tier())) {
                throw ApiException.unprocessable("customer " + c.id() + ": unknown tier '" + c.tier() + "'");
            }
        }
        List<CustomerService.Contact> contacts = customers.stream().map(c -> new CustomerService.Contact(c.id(), c.name(),
                c.tier(), c.lifetimeValue(), c.phones(), c.emails(), c.language())).toList();
        importContacts(ctx, contacts, i -> "customer " + customers.get(i).id());
    }

    private void importContacts(RoutingContext ctx, List<CustomerService.Contact> contacts, IntFunction<String> where) {
        customers.importContacts(contacts, where).onSuccess(r -> ctx.response().setStatusCode(201)
                .putHeader("Content-Type", "application/json").end(new JsonObject().put("imported", r.imported())
                        .put("matched", r.matched()).put("created", r.created()).encode())).onFailure(ctx::fail);
    }

    private void importCsv(RoutingContext ctx) {
        List<CustomerCsv.Row> rows = CustomerCsv.parse(ctx.body() == null ? "" : ctx.body().asString());
        for (CustomerCsv.Row row : rows) {
            String tier = row.contact().tier();
            if (!tier.isEmpty() && !engine.priority().knowsTier(tier)) {
                throw ApiException.unprocessable("CSV row " + row.line() + ": unknown tier '" + tier + "'");
            }
        }
        importContacts(ctx, rows.stream().map(CustomerCsv.Row::contact).toList(), i -> "CSV row " + rows.get(i).line());
    }

    private VoiceChannel voice() {
        VoiceChannel voice = voiceChannel.get();
        if (voice == null) {
            throw new ApiException(503, "unavailable", "the voice channel is not running");
        }
        return voice;
    }

    /** The agent acting on its own interaction (checked atomically by the store), or null for staff. */
    private static String actor(RoutingContext ctx) {
        Principal principal = principal(ctx);
        return principal.isAgent() ? principal.agentId() : null;
    }

    /** A supervisor's name for the record: printable, one line. */
    private static final java.util.regex.Pattern DISPLAY_NAME = java.util.regex.Pattern.compile("[\\p{L}\\p{N} ._'@-]{1,64}");

    /** The body's {@code name} (who a supervisor is to agents and customers), else the caller's role. */
    static String displayName(RoutingContext ctx, JsonObject body) {
        String name = body.getValue("name") instanceof String s && !s.isBlank() ? s.strip() : null;
        if (name == null) {
            return actorName(ctx);
        }
        if (!DISPLAY_NAME.matcher(name).matches()) {
            throw ApiException.badRequest("'name' must be 1-64 letters, digits, spaces or . _ ' @ -");
        }
        return name;
    }

    /** Who acts, for a history: the agent's id, else the staff key's role. */
    static String actorName(RoutingContext ctx) {
        Principal principal = principal(ctx);
        return principal.isAgent() ? principal.agentId() : principal.role().name().toLowerCase(java.util.Locale.ROOT);
    }

    /** A query parameter as epoch milliseconds or ISO-8601 instant. */
    private static long instant(RoutingContext ctx, String name, long defaultValue) {
        String value = ctx.request().getParam(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return value.chars().allMatch(Character::isDigit) ? Long.parseLong(value)
                    : java.time.Instant.parse(value).toEpochMilli();
        } catch (RuntimeException e) {
            throw ApiException.badRequest("'" + name + "' must be epoch milliseconds or an ISO-8601 instant, was '"
                    + value + "'");
        }
    }

    static Principal principal(RoutingContext ctx) {
        return ctx.get(Principal.CONTEXT_KEY);
    }

    /**
     * The API takes JSON. {@code curl -d} labels it a form (x-www-form-urlencoded), which the body handler would decode
     * as form fields (one over 1 KB failed the request with a 500): such a body is read as the JSON it is. Multipart
     * is refused (415).
     */
    private static void jsonBodies(RoutingContext ctx) {
        String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (type != null && type.regionMatches(true, 0, "multipart/", 0, 10)) {
            Errors.send(ctx, 415, "unsupported_media_type", "the API takes JSON bodies (Content-Type: application/json)");
            return;
        }
        if (type != null && type.regionMatches(true, 0, "application/x-www-form-urlencoded", 0, 33)) {
            ctx.request().headers().set(HttpHeaders.CONTENT_TYPE, "application/json");
        }
        ctx.next();
    }

    /** The request's JSON object; none sent (no body at all, or an empty one) is {}. */
    static JsonObject body(RoutingContext ctx) {
        if (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() <= 0) {
            return new JsonObject();
        }
        if (!(io.vertx.core.json.Json.decodeValue(ctx.body().buffer()) instanceof JsonObject json)) {
            throw ApiException.badRequest("the body must be a JSON object");
        }
        return json;
    }

    static String required(JsonObject body, String field) {
        String value = text(body, field);
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("'" + field + "' is required");
        }
        return value;
    }

    /**
     * A string field of a request body, null when absent or null. Another JSON type is refused (400), never taken as
     * its Java text: a team of ["x"] would have been saved as "[x]".
     */
    static String text(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw ApiException.badRequest("'" + field + "' must be a string");
    }

    static String text(JsonObject body, String field, String fallback) {
        String value = text(body, field);
        return value == null ? fallback : value;
    }

    /** An agent's autoAccept: a JSON array of channel names, empty when absent or null. */
    private static Set<Channel> autoAccept(JsonObject body) {
        Object value = body.getValue("autoAccept");
        if (value == null) {
            return Set.of();
        }
        if (!(value instanceof JsonArray array)) {
            throw ApiException.badRequest("'autoAccept' must be a JSON array of channels");
        }
        Set<Channel> channels = EnumSet.noneOf(Channel.class);
        array.forEach(c -> channels.add(Channel.parse(String.valueOf(c))));
        return channels;
    }

    /** An optional JSON object: empty when absent or null (Vert.x gives null, not the default, for "x": null). */
    private static JsonObject object(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (value == null) {
            return new JsonObject();
        }
        if (!(value instanceof JsonObject object)) {
            throw ApiException.badRequest("'" + field + "' must be a JSON object");
        }
        return object;
    }

    private static int integer(Object value, String field) {
        if (!(value instanceof Number n) || n.doubleValue() != Math.floor(n.doubleValue())) {
            throw ApiException.badRequest("'" + field + "' must be a whole number");
        }
        if (n.doubleValue() < Integer.MIN_VALUE || n.doubleValue() > Integer.MAX_VALUE) {
            // not clamped to 2147483647 first: the error would quote a number the caller never sent
            throw ApiException.badRequest("'" + field + "' is out of range, was " + n);
        }
        return n.intValue();
    }

    static void reply(RoutingContext ctx, Future<?> result) {
        result.onSuccess(value -> {
            if (value instanceof JsonArray array) {
                ctx.response().putHeader("Content-Type", "application/json").end(array.encode());
            } else {
                ctx.json(value);
            }
        }).onFailure(ctx::fail);
    }

    private static final int MAX_AGENT_IDS = 200;
    private static final String OPENAPI = load("openapi.yaml");
    /** Buffered events a supervisor console may lag behind by before it is dropped (and reconnects). */
    private static final int CONSOLE_WRITE_QUEUE_BYTES = 8 * 1024 * 1024;
    private static final int DEFAULT_LIST = 100;
    private static final int MAX_LIST = 1000;
    /** Compiles the where= of GET /interactions (the rules' expression language, over the same variables). */
    private final CelConditions conditions = new CelConditions();
    /** What PUT /agents/{id} sets. */
    private static final Set<String> AGENT_FIELDS = new TreeSet<>(Set.of("name", "endpoint", "team",
            "skills", "capacity", "pin", "attributes", "crossChannel", "queuePriority", "autoAccept"));
    /** What GET /agents/{id} adds, accepted and ignored by a PUT so that a client can send back what it read. */
    private static final Set<String> AGENT_READ_ONLY = Set.of("id", "state", "presence", "reason", "stateSince", "load",
            "reservation", "reservationExpiresAt", "missedOffers", "interactions");

    /** {@code ?ids=a,b,c}: the agents a console saw change (at most {@value #MAX_AGENT_IDS} per request). */
    private static List<String> agentIds(String ids) {
        List<String> list = java.util.Arrays.stream(ids.split(",")).map(String::strip).filter(id -> !id.isEmpty())
                .distinct().toList();
        if (list.size() > MAX_AGENT_IDS) {
            throw ApiException.badRequest("at most " + MAX_AGENT_IDS + " ids at once; leave ids out for every agent");
        }
        return list;
    }

    private static String load(String resource) {
        try (InputStream in = HttpApi.class.getResourceAsStream(resource)) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
