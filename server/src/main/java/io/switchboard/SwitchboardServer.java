package io.switchboard;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.api.http.AgentEventHub;
import io.switchboard.api.http.HttpApi;
import io.switchboard.api.http.HttpVerticle;
import io.switchboard.api.http.SupervisorEventHub;
import io.switchboard.engine.SlaService;
import io.switchboard.engine.SlaSweeper;
import io.switchboard.metrics.RoutingObserver;
import io.switchboard.metrics.SlaMetrics;
import io.switchboard.routing.RoutingRules;
import io.switchboard.rules.SlaPolicyLoader;
import io.switchboard.sla.SlaPolicies;
import io.switchboard.store.redis.SlaTimerStore;
import io.switchboard.chat.ChatChannel;
import io.switchboard.chat.TranscriptByEmail;
import io.switchboard.config.SwitchboardConfig;
import io.switchboard.email.EmailChannel;
import io.switchboard.email.smtp.SmtpSender;
import io.switchboard.email.smtp.SmtpServer;
import io.switchboard.store.redis.EmailStore;
import io.switchboard.engine.CaseService;
import io.switchboard.engine.CaseSla;
import io.switchboard.engine.CustomerService;
import io.switchboard.engine.RoutingEngine;
import io.switchboard.engine.StatsService;
import io.switchboard.engine.TimerSweeper;
import io.switchboard.metrics.CaseMetrics;
import io.switchboard.cases.CaseObserver;
import io.switchboard.metrics.ChatMetrics;
import io.switchboard.metrics.CostMetrics;
import io.switchboard.metrics.FloorGauges;
import io.switchboard.metrics.RoutingMetrics;
import io.switchboard.rules.RulesLoader;
import io.switchboard.rules.RulesWatcher;
import io.switchboard.store.redis.CallOwnerStore;
import io.switchboard.store.redis.CaseStore;
import io.switchboard.store.redis.ChatStore;
import io.switchboard.store.redis.EmbeddedRedis;
import io.switchboard.store.redis.KpiCounters;
import io.switchboard.store.redis.KpiRollup;
import io.switchboard.store.redis.RedisConnection;
import io.switchboard.store.redis.RateLimiter;
import io.switchboard.store.redis.RedisKeys;
import io.switchboard.store.redis.RoutingStore;
import io.switchboard.voice.CaseStatusLookup;
import io.switchboard.voice.VoiceChannel;
import io.switchboard.voice.agi.AgiGateway;
import io.switchboard.voice.agi.AsteriskOnly;
import io.switchboard.voice.agi.HoldScript;
import io.switchboard.voice.agi.InboundCallScript;
import io.switchboard.voice.ami.AmiEndpoint;
import io.switchboard.voice.ami.AmiLink;
import io.switchboard.voice.ivr.IvrLoader;
import io.switchboard.webhooks.WebhookDispatcher;
import java.util.Map;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.DeploymentOptions;
import io.switchboard.email.imap.ImapPoller;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Switchboard node: wires the store, the engine, the API and the timers. Its state is its own (the one static
 * counter only keeps two nodes in one JVM off each other's ports), so tests run several nodes against one Redis.
 */
public final class SwitchboardServer {
    private static final Logger LOG = LoggerFactory.getLogger(SwitchboardServer.class);
    /** Events the stream keeps for webhook delivery: hours of a busy floor, a few tens of MB at most. */
    private static final long EVENTS_KEPT = 100_000;
    /** How fresh the floor gauges (waiting, agents by state, staffing) are: one Prometheus scrape. */
    private static final long FLOOR_REFRESH_MILLIS = 5_000;
    /** Numbers the shared free ports (see deployHttp), so that two servers in one Vert.x never share one. */
    private static final java.util.concurrent.atomic.AtomicInteger SHARED_FREE_PORTS =
            new java.util.concurrent.atomic.AtomicInteger();
    /** The name the SMTP listener greets with (no DNS look-up at boot). */
    private static final String SMTP_HOSTNAME = "switchboard";

    private final Vertx vertx;
    private final SwitchboardConfig config;
    private final InstantSource clock;
    private final AgentEventHub hub = new AgentEventHub();
    private HttpApi api;
    private final SupervisorEventHub supervisors = new SupervisorEventHub();
    private final PrometheusMeterRegistry registry = newRegistry();

    private EmbeddedRedis embeddedRedis;
    private RedisConnection redis;
    private StatsService stats;
    private RoutingEngine engine;
    private RulesWatcher<RoutingRules> rulesWatcher;
    private RulesWatcher<SlaPolicies> slaWatcher;
    private TimerSweeper sweeper;
    private SlaSweeper slaSweeper;
    private KpiRollup kpiRollup;
    private WebhookDispatcher webhooks;
    private FloorGauges floorGauges;
    private volatile VoiceChannel voice;
    private volatile ChatChannel chat;
    private volatile EmailChannel email;
    private AgiGateway agi;
    private int agiPort;
    private SmtpServer smtp;
    private SmtpSender smtpSender;
    private ImapPoller imapPoller;
    private int smtpPort;
    private List<AmiLink> amiLinks = List.of();
    private final List<String> deployments = new ArrayList<>();
    private int httpPort;
    private Router router;
    private String adminKey;

    private SwitchboardServer(Vertx vertx, SwitchboardConfig config, InstantSource clock) {
        this.vertx = vertx;
        this.config = config;
        this.clock = clock;
    }

    /** Prometheus registry with the JVM and process meters (server health beside the KPIs). */
    private PrometheusMeterRegistry newRegistry() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(prometheus);
        new JvmGcMetrics().bindTo(prometheus);
        new JvmThreadMetrics().bindTo(prometheus);
        new ProcessorMetrics().bindTo(prometheus);
        new UptimeMetrics().bindTo(prometheus);
        Gauge.builder("switchboard_websocket_sessions", hub, AgentEventHub::sessionCount)
                .description("Agent event WebSockets connected to this node").register(prometheus);
        Gauge.builder("switchboard_supervisor_websocket_sessions", supervisors, SupervisorEventHub::sessionCount)
                .description("Supervisor console WebSockets connected to this node").register(prometheus);
        return prometheus;
    }

    public static Future<SwitchboardServer> start(Vertx vertx, SwitchboardConfig config) {
        return start(vertx, config, InstantSource.system());
    }

    /** @param clock the time routing uses (tests pass one they can move) */
    public static Future<SwitchboardServer> start(Vertx vertx, SwitchboardConfig config, InstantSource clock) {
        SwitchboardServer server = new SwitchboardServer(vertx, config, clock);
        return server.boot().map(server).recover(e -> server.stop().transform(v -> Future.failedFuture(e)));
    }

    private Future<Void> boot() {
        adminKey = resolveAdminKey();
        Context context = vertx.getOrCreateContext();
        return vertx.executeBlocking(() -> {
            if (config.redis().embedded()) {
                embeddedRedis = EmbeddedRedis.start(config.redis().embeddedDataDir());
            }
            // Lettuce on Vert.x's own event loops: no thread hop between a command and its caller
            redis = RedisConnection.connect(config.redis().embedded() ? embeddedRedis.uri() : config.redis().url(),
                    ((VertxInternal) vertx).nettyEventLoopGroup(), registry);
            return null;
        }).compose(connected -> {
            RedisKeys keys = RedisKeys.of(config.redis().keyPrefix());
            RoutingStore store = new RoutingStore(vertx, redis, keys, clock, config.routing().reservationTimeout(),
                    config.routing().maxMissedOffers(), config.priority().agingPerSecond(),
                    config.webhooks().enabled() ? EVENTS_KEPT : 0, config.routing().retention());
            if (config.webhooks().enabled()) {
                webhooks = new WebhookDispatcher(vertx, redis.commands(), keys, config.webhooks(), registry);
            }
            RoutingMetrics metrics = new RoutingMetrics(registry, () -> engine.rules(),
                    config.stats().perAgentSeries());
            CostMetrics costs = new CostMetrics(registry, config.costs());
            KpiCounters kpis = new KpiCounters(store);
            ChatMetrics chatMetrics = new ChatMetrics(registry, kpis);
            SlaTimerStore slaTimers = new SlaTimerStore(vertx, redis.commands(), keys, clock, config.sla().lateAfter(),
                    config.sla().breachesKept(), config.webhooks().enabled() ? EVENTS_KEPT : 0);
            // the policies come with the watcher's first load, before any contact can arrive
            SlaService sla = new SlaService(slaTimers, store, SlaPolicies.NONE, new SlaMetrics(registry),
                    new SlaService.RoutingActions() {
                        @Override
                        public Future<?> raise(String interaction, int points, String once) {
                            return engine.raise(interaction, points, "sla", once);
                        }

                        @Override
                        public Future<?> widen(String interaction, String once) {
                            return engine.widen(interaction, "sla", once);
                        }
                    });
            CaseSla caseSla = new CaseSla(sla, store, id -> engine.customer(id));
            RoutingObserver observers = RoutingObserver.each(List.of(() -> metrics, () -> costs, () -> sla,
                    () -> caseSla, () -> voice, () -> chat));
            engine = new RoutingEngine(store, config.priority(), observers, sla::answerTimer, sla::calendars);
            rulesWatcher = RulesWatcher.routing(vertx, config.routing().rulesDir(),
                    new RulesLoader(config.routing().defaultWorkflow(), () -> sla.calendars().keySet()),
                    rules -> engine.applyRules(rules).onSuccess(n -> {
                        engine.hours().changed();
                        metrics.exportFromZero(rules);
                        costs.exportFromZero(rules);
                        chatMetrics.exportFromZero(rules);
                        if (voice != null) {
                            voice.exportFromZero(rules);
                        }
                    }));
            // a bad policy file stops the boot with file:line, like a bad config value; later, a bad edit
            // is rejected and the policies in force stay (armed timers keep the version they were armed with)
            SlaPolicyLoader slaLoader = new SlaPolicyLoader();
            slaWatcher = config.sla().enabled() ? new RulesWatcher<>(vertx, "SLA policies", config.sla().file(),
                    slaLoader::load, p -> p.ordered().size() + " policies" + (p.defaultPolicy() == null ? "" : " and a default"),
                    policies -> sla.apply(policies).onSuccess(v -> engine.hours().changed())) : null;
            sweeper = new TimerSweeper(vertx, engine, metrics, config.routing().timerSweepBatch());
            slaSweeper = new SlaSweeper(vertx, sla, config.routing().timerSweepBatch());
            kpiRollup = new KpiRollup(vertx, kpis, () -> engine.rules().queues().keySet(), registry);
            CaseService cases = new CaseService(vertx, new CaseStore(store), engine, clock, CaseObserver.all(
                    new CaseMetrics(registry, kpis), caseSla));
            CustomerService customers = new CustomerService(store, engine, cases);
            stats = new StatsService(store, engine, config.costs(), config.stats().timeZone(),
                config.stats().realtimeMaxAge());
            if (config.email().outbound().enabled()) {
                smtpSender = new SmtpSender(vertx, config.email());
            }
            EmailStore emailStore = new EmailStore(store, config.email().threadTtl());
            email = new EmailChannel(vertx, engine, customers, cases, emailStore, config.email(),
                    smtpSender, registry);
            ChatStore chatStore = new ChatStore(store);
            chat = new ChatChannel(vertx, engine, stats, customers, cases, chatStore,
                    chatMetrics, config.chat(), new TranscriptByEmail(engine, cases, chatStore,
                    email::mailChatTranscript, config.stats().timeZone()), new RateLimiter(store));
            Gauge.builder("switchboard_chat_sessions", chat, ChatChannel::sessionCount)
                    .description("Customer chat WebSockets connected to this node").register(registry);
            smtp = new SmtpServer(vertx, config.ports().smtp(), SMTP_HOSTNAME, SmtpServer.DEFAULT_MAX_MESSAGE_BYTES,
                    config.email().acceptRecipients(), config.email().inboundTls(), email::receive);
            api = new HttpApi(vertx, engine, store, config, adminKey, hub, registry, rulesWatcher, sla,
                    supervisors, () -> voice, cases, customers, chat, email);
            String bus = keys.bus();
            String slaEvents = keys.slaEvents();
            String chatEvents = keys.chatEvents();
            String floor = keys.floor();
            java.util.concurrent.atomic.AtomicBoolean subscribedOnce = new java.util.concurrent.atomic.AtomicBoolean();
            RedisPubSubAdapter<String, String> listener = new RedisPubSubAdapter<>() {
                /**
                 * The floor channel subscribed again after a drop (Lettuce subscribes again by itself): what was
                 * published meanwhile never comes, so every desk and console reconnects and re-reads the truth, once
                 * events flow again (not at the reconnection itself, when they did not yet).
                 */
                @Override
                public void subscribed(String channel, long count) {
                    if (floor.equals(channel) && !subscribedOnce.compareAndSet(false, true)) {
                        context.runOnContext(x -> {
                            LOG.warn("Redis subscription back after a drop: desks and consoles reconnect to re-read");
                            hub.reconnectAll();
                            supervisors.reconnectAll();
                        });
                    }
                }

                @Override
                public void message(String channel, String message) {
                    // a Redis connection's thread, not this context's: hand off at once
                    if (floor.equals(channel)) {
                        // the events of one routing command, in order: agents' desktops and supervisor consoles
                        context.runOnContext(x -> deliverRouting(new JsonArray(message), hub, supervisors));
                    } else if (bus.equals(channel)) {
                        context.runOnContext(x -> deliverToAgent(new JsonObject(message), hub, supervisors));
                    } else if (slaEvents.equals(channel)) {
                        context.runOnContext(x -> supervisors.deliver(message));
                    } else if (chatEvents.equals(channel)) {
                        // toward the customer; a supervisor's message names the agent, who sees it too
                        context.runOnContext(x -> {
                            JsonObject event = new JsonObject(message);
                            chat.deliver(event);
                            deliverToAgent(event, hub, supervisors);
                        });
                    }
                }
            };
            return Future.fromCompletionStage(redis.subscribe(listener, bus, slaEvents, chatEvents, floor), context)
                    .compose(x -> slaWatcher == null ? Future.succeededFuture()
                            : slaWatcher.start(config.routing().rulesReloadInterval().toMillis()))
                    .compose(x -> rulesWatcher.start(config.routing().rulesReloadInterval().toMillis()))
                    .compose(x -> api.start())
                    .compose(x -> startVoice(store, cases))
                    .compose(x -> webhooks == null ? Future.succeededFuture() : webhooks.start())
                    .compose(x -> deployHttp(api.router()))
                    .compose(x -> startImap(emailStore, email))
                    .compose(x -> smtp.start().map(port -> {
                        smtpPort = port;
                        LOG.info("SMTP listening on port {}", port);
                        return null;
                    }))
                    .map(x -> {
                        sweeper.start(config.routing().timerSweepInterval().toMillis());
                        engine.hours().start(vertx, config.routing().timerSweepInterval().toMillis());
                        engine.scheduled().start(vertx, config.routing().timerSweepInterval().toMillis());
                        slaSweeper.start(config.routing().timerSweepInterval().toMillis());
                        chat.startSweeps(config.routing().timerSweepInterval().toMillis());
                        email.startRetries();
                        return null;
                    })
                    .compose(x -> kpiRollup.start())
                    .map(x -> {
                        floorGauges = new FloorGauges(vertx, stats, registry, costs);
                        floorGauges.start(FLOOR_REFRESH_MILLIS);
                        return null;
                    });
        });
    }

    /** An event naming an agent to that agent's desktops; a chat's message to the consoles watching the chat, too. */
    private static void deliverToAgent(JsonObject event, AgentEventHub agents, SupervisorEventHub supervisors) {
        agents.deliver(event);
        if ("chat_message".equals(event.getString("type"))) {
            supervisors.deliverChat(event);
        }
    }

    private static void deliverRouting(JsonArray events, AgentEventHub agents, SupervisorEventHub supervisors) {
        boolean consoles = supervisors.sessionCount() > 0;
        for (int i = 0; i < events.size(); i++) {
            JsonObject event = events.getJsonObject(i);
            agents.deliver(event);
            if (consoles) {
                supervisors.deliver(event);
            }
        }
    }

    /** The FastAGI IVR and the AMI links; an Asterisk that is down does not stop the boot (links retry). */
    private Future<Void> startVoice(RoutingStore store, CaseService cases) {
        List<AmiLink> links = config.voice().amiUrls().stream()
                .map(url -> new AmiLink(vertx, AmiEndpoint.parse(url), registry)).toList();
        // started before anything can route a call to it: its routing observer rings agents through what start() makes
        return vertx.executeBlocking(() -> new VoiceChannel(engine, store, IvrLoader.load(config.voice().ivrFile()),
                new CaseStatusLookup(cases, engine::customerIdByPhone), config.voice(), links, registry, stats,
                new CallOwnerStore(store, java.util.UUID.randomUUID().toString())))
                .compose(created -> created.start(vertx).map(created))
                .compose(started -> {
                    started.exportFromZero(engine.rules());
                    voice = started;
                    return vertx.executeBlocking(this::startAgi);
                }).compose(v -> {
                    amiLinks = links;
                    links.forEach(link -> link.start(event -> voice.onAmiEvent(link, event)));
                    return Future.succeededFuture();
                });
    }

    private Void startAgi() throws InterruptedException, java.io.IOException {
        agi = new AgiGateway(config.ports().agi(), Map.of(
                "inbound", new AsteriskOnly(voice::agiPeerAllowed, new InboundCallScript(voice),
                        voice.refusedAgiSessions()),
                "hold", new AsteriskOnly(voice::agiPeerAllowed, new HoldScript(voice), voice.refusedAgiSessions())));
        agiPort = agi.start();
        LOG.info("FastAGI listening on port {}", agiPort);
        if (Runtime.version().feature() < 24) {
            LOG.warn("JDK {}: AGI sessions pin their carrier threads while Asterisk answers (JEP 491 came in JDK 24);"
                    + " more callers in the IVR than cores will wait for one another: run JDK 24 or newer",
                    Runtime.version().feature());
        }
        return null;
    }

    /** The IMAP poller, if a mailbox is configured: its polls run on virtual threads, since Angus Mail's IMAP blocks. */
    private Future<Void> startImap(EmailStore store, EmailChannel email) {
        SwitchboardConfig.Email.Imap imap = config.email().imap();
        if (imap.enabled()) {
            imapPoller = new ImapPoller(vertx, imap, store, email::receive);
            imapPoller.start();
            LOG.info("IMAP polling {} on {}:{} every {} ms", imap.folder(), imap.host(), imap.port(),
                    imap.poll().toMillis());
        }
        return Future.succeededFuture();
    }

    /**
     * One HTTP verticle per configured instance, all on the configured port: Vert.x shares one listening
     * socket among them and hands each connection to the next. Port 0 would give each instance a free port of
     * its own, and every client would reach the first instance's event loop only; a negative port is Vert.x's
     * "one free port, shared" (by the servers given the same number: one per Switchboard server in this JVM).
     */
    private Future<Void> deployHttp(Router router) {
        this.router = router;
        List<HttpVerticle> instances = new ArrayList<>();
        int port = config.http().port() == 0 ? -SHARED_FREE_PORTS.incrementAndGet() : config.http().port();
        return vertx.deployVerticle(() -> {
            HttpVerticle verticle = new HttpVerticle(router, port);
            synchronized (instances) {
                instances.add(verticle);
            }
            return verticle;
        }, new DeploymentOptions().setInstances(config.http().instances())).map(id -> {
            deployments.add(id);
            httpPort = instances.get(0).actualPort();
            if (instances.stream().anyMatch(instance -> instance.actualPort() != httpPort)) {
                throw new IllegalStateException("the HTTP instances listen on different ports: "
                        + instances.stream().map(HttpVerticle::actualPort).toList());
            }
            return null;
        });
    }

    private String resolveAdminKey() {
        String configured = config.security().adminKey();
        if (!configured.isBlank()) {
            return configured;
        }
        if (!config.redis().embedded()) {
            throw new IllegalStateException("SWITCHBOARD_ADMIN_KEY (security.adminKey) is required with an external "
                    + "Redis: every node must accept the same key");
        }
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        String generated = "adm_" + HexFormat.of().formatHex(bytes);
        LOG.warn("no admin key configured; generated for this run: {}", generated);
        return generated;
    }

    public int httpPort() {
        return httpPort;
    }

    /** "METHOD /path" of every endpoint the HTTP API serves ({@code :id} path parameters): its contract's test reads it. */
    public List<String> endpoints() {
        List<String> endpoints = new ArrayList<>();
        for (Route route : router.getRoutes()) {
            if (route.getPath() != null && route.methods() != null) {
                route.methods().forEach(method -> endpoints.add(method.name() + " " + route.getPath()));
            }
        }
        return endpoints;
    }

    public String redisUri() {
        return redis.uri();
    }

    public String adminKey() {
        return adminKey;
    }

    public RoutingEngine engine() {
        return engine;
    }

    /** Null when agreements are off (no sla.file). */
    public RulesWatcher<SlaPolicies> slaWatcher() {
        return slaWatcher;
    }

    public int agiPort() {
        return agiPort;
    }

    public int smtpPort() {
        return smtpPort;
    }

    /** The one line scripts and tests wait for. */
    public String readyLine() {
        // without credentials: the line goes to stdout and container logs
        return "switchboard ready http=" + httpPort() + " agi=" + agiPort + " smtp=" + smtpPort + " redis="
                + redisUri().replaceAll("(://)[^@/,]*@", "$1***@");
    }

    public Future<Void> stop() {
        if (sweeper != null) {
            sweeper.stop();
        }
        if (engine != null) {
            engine.hours().stop(vertx);
            engine.scheduled().stop(vertx);
        }
        if (kpiRollup != null) {
            kpiRollup.stop();
        }
        if (slaSweeper != null) {
            slaSweeper.stop();
        }
        if (chat != null) {
            chat.stopSweeps();
        }
        if (email != null) {
            email.stopRetries();
        }
        if (rulesWatcher != null) {
            rulesWatcher.stop();
        }
        if (slaWatcher != null) {
            slaWatcher.stop();
        }
        if (webhooks != null) {
            webhooks.stop();
        }
        if (floorGauges != null) {
            floorGauges.stop();
        }
        if (api != null) {
            api.stop();
        }
        if (agi != null) {
            agi.stop();
        }
        if (imapPoller != null) {
            imapPoller.stop();
        }
        Future<Void> left = voice == null ? Future.succeededFuture() : voice.stop(vertx).recover(e -> Future.succeededFuture());
        // channels first, so no AMI event reaches a closed Redis connection
        Future<Void> closed = left.compose(v -> Future.join(amiLinks.stream().map(AmiLink::stop).toList())).<Void>mapEmpty()
                .transform(ar -> {
                    List<Future<?>> closing = new ArrayList<>(deployments.stream().map(vertx::undeploy).toList());
                    if (smtp != null) {
                        closing.add(smtp.stop());
                    }
                    if (smtpSender != null) {
                        closing.add(smtpSender.close());
                    }
                    return Future.all(closing);
                }).mapEmpty();
        return closed.transform(ar -> vertx.executeBlocking(() -> {
            try {
                if (redis != null) {
                    redis.close();
                }
            } finally { // the embedded Redis stops (and its data folder is let go) whatever the client's close did
                if (embeddedRedis != null) {
                    embeddedRedis.close();
                }
            }
            return null;
        })).mapEmpty();
    }
}
