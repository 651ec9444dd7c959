package io.switchboard.config;

import io.switchboard.rules.RuleFileException;
import io.switchboard.rules.YamlNode;
import io.switchboard.routing.PriorityPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds {@link SwitchboardConfig} from {@code <configDir>/switchboard.yaml} and environment overrides.
 * A missing file means all defaults; a bad value fails the boot with the key (and line) at fault.
 */
public final class ConfigLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);
    private static final java.util.regex.Pattern AMI_URL =
            java.util.regex.Pattern.compile("ami://[^:@/\\s]+:[^@\\s]*@(\\[[0-9A-Fa-f:.]+]|[^:/@\\s\\[\\]]+)(:\\d{1,5})?(/[A-Za-z0-9._-]*)?");
    /** Environment variables the server reads that are not config keys (the logging level: logback.xml). */
    private static final java.util.Set<String> NOT_KEYS = java.util.Set.of("SWITCHBOARD_CONFIG_DIR",
            "SWITCHBOARD_LOG_LEVEL");
    /** Environment variables and the config keys they override. */
    public static final Map<String, String> ENV_OVERRIDES = Map.ofEntries(
            Map.entry("SWITCHBOARD_HTTP_PORT", "http.port"),
            Map.entry("SWITCHBOARD_HTTP_INSTANCES", "http.instances"),
            Map.entry("SWITCHBOARD_AGI_PORT", "agi.port"),
            Map.entry("SWITCHBOARD_SMTP_PORT", "smtp.port"),
            Map.entry("SWITCHBOARD_SMTP_TLS_CERT", "smtp.tlsCertFile"),
            Map.entry("SWITCHBOARD_SMTP_TLS_KEY", "smtp.tlsKeyFile"),
            Map.entry("SWITCHBOARD_SMTP_REQUIRE_TLS", "smtp.requireTls"),
            Map.entry("REDIS_URL", "redis.url"),
            Map.entry("SWITCHBOARD_REDIS_KEY_PREFIX", "redis.keyPrefix"),
            Map.entry("SWITCHBOARD_DATA_DIR", "redis.embeddedDataDir"),
            Map.entry("SWITCHBOARD_ADMIN_KEY", "security.adminKey"),
            Map.entry("SWITCHBOARD_SUPERVISOR_KEYS", "security.supervisorKeys"),
            Map.entry("SWITCHBOARD_RULES_DIR", "routing.rulesDir"),
            Map.entry("SWITCHBOARD_RESERVATION_TIMEOUT_SECONDS", "routing.reservationTimeoutSeconds"),
            Map.entry("SWITCHBOARD_RETENTION_DAYS", "routing.retentionDays"),
            Map.entry("SWITCHBOARD_WEBHOOK_URLS", "webhooks.urls"),
            Map.entry("SWITCHBOARD_AMI_URLS", "voice.amiUrls"),
            Map.entry("SWITCHBOARD_EWT_ANNOUNCE_SECONDS", "voice.ewtAnnounceSeconds"),
            Map.entry("SWITCHBOARD_CALLBACK_OFFER_SECONDS", "voice.callbackOfferSeconds"),
            Map.entry("SWITCHBOARD_DIAL_RING_SECONDS", "voice.dialRingSeconds"),
            Map.entry("SWITCHBOARD_CALL_OWNER_TTL_SECONDS", "voice.callOwnerTtlSeconds"),
            Map.entry("SWITCHBOARD_RECORDING_ENABLED", "voice.recording.enabled"),
            Map.entry("SWITCHBOARD_MONITOR_ENDPOINTS", "voice.monitorEndpoints"),
            Map.entry("SWITCHBOARD_AGI_ALLOWED_HOSTS", "voice.agiAllowedHosts"),
            Map.entry("SWITCHBOARD_CHAT_IDLE_SECONDS", "chat.idleTimeoutSeconds"),
            Map.entry("SWITCHBOARD_CHAT_POSITION_MILLIS", "chat.positionIntervalMillis"),
            Map.entry("SWITCHBOARD_CHAT_RESUME_SECONDS", "chat.resumeGraceSeconds"),
            Map.entry("SWITCHBOARD_CHAT_RATE_LIMIT", "chat.newChatsPerMinutePerAddress"),
            Map.entry("SWITCHBOARD_CHAT_IDENTITY_SECRET", "chat.identitySecret"),
            Map.entry("SWITCHBOARD_CHAT_REQUIRE_IDENTITY", "chat.requireVerifiedIdentity"),
            Map.entry("SWITCHBOARD_WEBHOOK_SECRET", "webhooks.secret"),
            Map.entry("SWITCHBOARD_SELF_SERVICE_URL", "email.selfServiceUrl"),
            Map.entry("SWITCHBOARD_SLA_FILE", "sla.file"),
            Map.entry("SWITCHBOARD_EMAIL_FROM", "email.from"),
            Map.entry("SWITCHBOARD_EMAIL_ACCEPT", "email.acceptRecipients"),
            Map.entry("SWITCHBOARD_EMAIL_AUTO_ACKNOWLEDGE", "email.autoAcknowledge"),
            Map.entry("SWITCHBOARD_EMAIL_MAX_ATTACHMENT_BYTES", "email.maxAttachmentBytes"),
            Map.entry("SWITCHBOARD_EMAIL_THREAD_DAYS", "email.threadDays"),
            Map.entry("SWITCHBOARD_IMAP_ENABLED", "email.imap.enabled"),
            Map.entry("SWITCHBOARD_IMAP_HOST", "email.imap.host"),
            Map.entry("SWITCHBOARD_IMAP_PORT", "email.imap.port"),
            Map.entry("SWITCHBOARD_IMAP_SSL", "email.imap.ssl"),
            Map.entry("SWITCHBOARD_IMAP_USERNAME", "email.imap.username"),
            Map.entry("SWITCHBOARD_IMAP_PASSWORD", "email.imap.password"),
            Map.entry("SWITCHBOARD_IMAP_POLL_MILLIS", "email.imap.pollMillis"),
            Map.entry("SWITCHBOARD_SMTP_OUT_ENABLED", "email.outbound.enabled"),
            Map.entry("SWITCHBOARD_SMTP_OUT_HOST", "email.outbound.host"),
            Map.entry("SWITCHBOARD_SMTP_OUT_PORT", "email.outbound.port"),
            Map.entry("SWITCHBOARD_SMTP_OUT_USERNAME", "email.outbound.username"),
            Map.entry("SWITCHBOARD_SMTP_OUT_PASSWORD", "email.outbound.password"),
            Map.entry("SWITCHBOARD_SMTP_OUT_STARTTLS", "email.outbound.starttls"),
            Map.entry("SWITCHBOARD_AGENT_HOURLY_COST", "costs.agentHourlyCost"),
            Map.entry("SWITCHBOARD_COST_CURRENCY", "costs.currency"),
            Map.entry("SWITCHBOARD_STATS_TIME_ZONE", "stats.timeZone"),
            Map.entry("SWITCHBOARD_PER_AGENT_SERIES", "stats.perAgentSeries"),
            Map.entry("SWITCHBOARD_REALTIME_MAX_AGE_MILLIS", "stats.realtimeMaxAgeMillis"));

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, Integer> lines = new LinkedHashMap<>();
    /** Keys the file gave a YAML list: right for a list key, a mistake for any other (see text). */
    private final java.util.Set<String> listed = new java.util.HashSet<>();
    private final String file;

    private ConfigLoader(String file) {
        this.file = file;
    }

    /**
     * @param env the process environment (or a test's); SWITCHBOARD_CONFIG_DIR picks the config folder
     */
    public static SwitchboardConfig load(Map<String, String> env, Path workingDir) {
        Path configDir = configDir(env, workingDir);
        Path yaml = configDir.resolve("switchboard.yaml");
        ConfigLoader loader = new ConfigLoader(yaml.toString());
        if (Files.exists(yaml)) {
            YamlNode root = YamlNode.parse(yaml);
            if (!root.isEmpty()) {
                loader.flatten("", root);
            }
        } else {
            LOG.info("no {}: the built-in defaults and the environment's overrides", yaml.toAbsolutePath());
        }
        env.keySet().stream().filter(v -> v.startsWith("SWITCHBOARD_") && !ENV_OVERRIDES.containsKey(v)
                && !NOT_KEYS.contains(v)).sorted().forEach(v ->
                LOG.warn("environment variable {} is not a setting Switchboard knows: misspelt? (README lists them)", v));
        ENV_OVERRIDES.forEach((variable, key) -> {
            String value = env.get(variable);
            if (value != null) {
                loader.values.put(key, value);
                loader.lines.put(key, -1);
            }
        });
        return loader.build(configDir, workingDir);
    }

    /**
     * The folder of switchboard.yaml (and, by default, sla.yaml and ivr.yaml): config/ of the working folder unless
     * SWITCHBOARD_CONFIG_DIR names one, which must then exist: a mistyped folder started with every default, no SLA
     * agreements and no IVR, and said nothing.
     */
    private static Path configDir(Map<String, String> env, Path workingDir) {
        String named = env.get("SWITCHBOARD_CONFIG_DIR");
        if (named == null) {
            return workingDir.resolve("config");
        }
        if (named.isBlank()) {
            throw new ConfigException("SWITCHBOARD_CONFIG_DIR is set but empty: give it a folder or unset it");
        }
        Path dir = workingDir.resolve(named);
        if (!Files.isDirectory(dir)) {
            throw new ConfigException("SWITCHBOARD_CONFIG_DIR names " + dir.toAbsolutePath() + ", which is not a folder");
        }
        return dir;
    }

    private void flatten(String prefix, YamlNode node) {
        for (Map.Entry<String, YamlNode> entry : node.entries().entrySet()) {
            String key = prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey();
            YamlNode value = entry.getValue();
            if (isMapping(value)) {
                flatten(key, value);
            } else if (isList(value)) {
                List<String> items = new ArrayList<>();
                value.items().forEach(i -> items.add(i.text()));
                values.put(key, String.join(",", items));
                lines.put(key, value.line());
                listed.add(key);
            } else if (!value.isNull()) { // `key: null` or `~` is the default, not the text "null" (an admin key!)
                values.put(key, value.text());
                lines.put(key, value.line());
            }
        }
    }

    private static boolean isMapping(YamlNode node) {
        try {
            node.entries();
            return true;
        } catch (RuleFileException e) {
            return false;
        }
    }

    private static boolean isList(YamlNode node) {
        try {
            node.items();
            return true;
        } catch (RuleFileException e) {
            return false;
        }
    }

    private SwitchboardConfig build(Path configDir, Path workingDir) {
        Map<String, Double> tiers = new LinkedHashMap<>(PriorityPolicy.DEFAULT_TIER_POINTS);
        values.keySet().stream().filter(k -> k.startsWith("priority.tierPoints.")).toList()
                .forEach(k -> tiers.put(k.substring("priority.tierPoints.".length()), decimal(k, 0, -1e6, 1e6)));
        SwitchboardConfig.Redis redis = new SwitchboardConfig.Redis(redisUrl(),
                keyPrefix(text("redis.keyPrefix", SwitchboardConfig.Redis.DEFAULT_KEY_PREFIX)),
                path("redis.embeddedDataDir", SwitchboardConfig.Redis.DEFAULT_EMBEDDED_DATA_DIR, workingDir));
        SwitchboardConfig config = new SwitchboardConfig(
                new SwitchboardConfig.Http(port("http.port", SwitchboardConfig.Http.DEFAULT_PORT),
                        integer("http.maxBodyBytes", SwitchboardConfig.Http.DEFAULT_MAX_BODY_BYTES, 1024, 100L << 20),
                        (int) integer("http.instances",
                                SwitchboardConfig.Http.defaultInstances(redis.embedded()), 1, 256)),
                new SwitchboardConfig.Ports(port("agi.port", SwitchboardConfig.Ports.DEFAULT_AGI),
                        port("smtp.port", SwitchboardConfig.Ports.DEFAULT_SMTP)),
                redis,
                new SwitchboardConfig.Security(key("security.adminKey", text("security.adminKey", "")),
                        list("security.supervisorKeys").stream().map(k -> key("security.supervisorKeys", k)).toList(),
                        Duration.ofSeconds(integer("security.agentTokenTtlSeconds",
                                SwitchboardConfig.Security.DEFAULT_AGENT_TOKEN_TTL.toSeconds(), 60, 30L * 86400))),
                new SwitchboardConfig.Routing(
                        path("routing.rulesDir", "routing-rules", workingDir),
                        text("routing.defaultWorkflow", "default"),
                        Duration.ofSeconds(integer("routing.reservationTimeoutSeconds",
                                SwitchboardConfig.Routing.DEFAULT_RESERVATION_TIMEOUT.toSeconds(), 1, 600)),
                        (int) integer("routing.maxMissedOffers", SwitchboardConfig.Routing.DEFAULT_MAX_MISSED_OFFERS, 1, 100),
                        Duration.ofMillis(integer("routing.timerSweepMillis",
                                SwitchboardConfig.Routing.DEFAULT_TIMER_SWEEP_INTERVAL.toMillis(), 10, 10_000)),
                        (int) integer("routing.timerSweepBatch", SwitchboardConfig.Routing.DEFAULT_TIMER_SWEEP_BATCH, 1, 10_000),
                        Duration.ofMillis(integer("routing.rulesReloadMillis",
                                SwitchboardConfig.Routing.DEFAULT_RULES_RELOAD_INTERVAL.toMillis(), 0, 3_600_000)),
                        Duration.ofMillis(Math.round(86_400_000 * decimal("routing.retentionDays",
                                SwitchboardConfig.Routing.DEFAULT_RETENTION_DAYS, 0, 3_650)))),
                new PriorityPolicy(tiers,
                        decimal("priority.lifetimeValuePerPoint", PriorityPolicy.DEFAULT_LIFETIME_VALUE_PER_POINT, 0.000001, 1e12),
                        decimal("priority.maxLifetimePoints", PriorityPolicy.DEFAULT_MAX_LIFETIME_POINTS, 0, 1e6),
                        decimal("priority.agingPerSecond", PriorityPolicy.DEFAULT_AGING_PER_SECOND, 0, 1e3)),
                webhooks(),
                new SwitchboardConfig.Voice(amiUrls(),
                        context("voice.connectContext", SwitchboardConfig.Voice.DEFAULT_CONNECT_CONTEXT),
                        context("voice.holdContext", SwitchboardConfig.Voice.DEFAULT_HOLD_CONTEXT),
                        context("voice.onHoldContext", SwitchboardConfig.Voice.DEFAULT_ON_HOLD_CONTEXT),
                        context("voice.consultContext", SwitchboardConfig.Voice.DEFAULT_CONSULT_CONTEXT),
                        context("voice.outboundContext", SwitchboardConfig.Voice.DEFAULT_OUTBOUND_CONTEXT),
                        configFile("voice.ivrFile", "ivr.yaml", configDir),
                        Duration.ofHours(integer("voice.recontactWindowHours",
                                SwitchboardConfig.Voice.DEFAULT_RECONTACT_WINDOW.toHours(), 1, 24 * 30)),
                        Duration.ofSeconds(integer("voice.ewtAnnounceSeconds",
                                SwitchboardConfig.Voice.DEFAULT_EWT_ANNOUNCE.toSeconds(), 0, 3600)),
                        Duration.ofSeconds(integer("voice.callbackOfferSeconds",
                                SwitchboardConfig.Voice.DEFAULT_CALLBACK_OFFER.toSeconds(), 0, 86_400)),
                        Duration.ofSeconds(integer("voice.callOwnerTtlSeconds",
                                SwitchboardConfig.Voice.DEFAULT_CALL_OWNER_TTL.toSeconds(), 1, 3600)),
                        recording(), list("voice.monitorEndpoints"),
                        Duration.ofSeconds(integer("voice.dialRingSeconds",
                                SwitchboardConfig.Voice.DEFAULT_DIAL_RING.toSeconds(), 1, 300)),
                        list("voice.agiAllowedHosts")),
                sla(configDir),
                chat(),
                email(configDir),
                costs(),
                new SwitchboardConfig.Stats(timeZone("stats.timeZone"), bool("stats.perAgentSeries", false),
                        Duration.ofMillis(integer("stats.realtimeMaxAgeMillis",
                                SwitchboardConfig.Stats.DEFAULT_REALTIME_MAX_AGE.toMillis(), 0, 60_000))),
                desktop(),
                configDir);
        List<String> unknown = values.keySet().stream().filter(k -> !KNOWN.contains(k)
                && !k.startsWith("priority.tierPoints.") && !k.startsWith(DISPOSITIONS + ".")).toList();
        if (!unknown.isEmpty()) {
            throw bad(unknown.get(0), "unknown key (see config/switchboard.yaml for every key)");
        }
        return config;
    }

    private static final List<String> KNOWN = Arrays.asList("http.port", "http.maxBodyBytes", "http.instances", "agi.port", "smtp.port",
            "smtp.tlsCertFile", "smtp.tlsKeyFile", "smtp.requireTls",
            "redis.url", "redis.keyPrefix", "redis.embeddedDataDir", "security.adminKey", "security.supervisorKeys",
            "security.agentTokenTtlSeconds", "routing.rulesDir", "routing.defaultWorkflow",
            "routing.reservationTimeoutSeconds", "routing.maxMissedOffers", "routing.timerSweepMillis",
            "routing.timerSweepBatch", "routing.rulesReloadMillis", "routing.retentionDays", "priority.lifetimeValuePerPoint",
            "priority.maxLifetimePoints", "priority.agingPerSecond", "webhooks.urls", "webhooks.secret", "email.selfServiceUrl",
            "webhooks.maxAttempts", "webhooks.timeoutMillis", "webhooks.retryBaseMillis", "webhooks.pollMillis",
            "voice.amiUrls", "voice.connectContext", "voice.holdContext", "voice.onHoldContext",
            "voice.consultContext", "voice.outboundContext", "voice.ivrFile", "voice.recontactWindowHours",
            "voice.ewtAnnounceSeconds", "voice.callbackOfferSeconds", "voice.callOwnerTtlSeconds",
            "voice.recording.enabled", "voice.recording.file", "voice.recording.options", "voice.monitorEndpoints",
            "voice.agiAllowedHosts",
            "voice.dialRingSeconds",
            "sla.file", "sla.lateAfterMillis",
            "sla.breachesKept",
            "chat.idleTimeoutSeconds", "chat.positionIntervalMillis", "chat.resumeGraceSeconds",
            "chat.newChatsPerMinutePerAddress", "chat.identitySecret", "chat.requireVerifiedIdentity",
            "costs.agentHourlyCost", "costs.currency",
            "costs.perChannel.voice", "costs.perChannel.chat", "costs.perChannel.email", "costs.perChannel.callback",
            "costs.selfServicePerCall", "stats.timeZone", "stats.perAgentSeries", "stats.realtimeMaxAgeMillis", "email.from", "email.acceptRecipients", "email.autoAcknowledge",
            "email.acknowledgement.subject", "email.acknowledgement.body", "email.maxAttachmentBytes",
            "email.maxAttachmentBytesPerMessage", "email.threadDays", "email.outbound.enabled", "email.outbound.host",
            "email.outbound.port", "email.outbound.username", "email.outbound.password", "email.outbound.starttls",
            "email.imap.enabled", "email.imap.host", "email.imap.port", "email.imap.ssl", "email.imap.username",
            "email.imap.password", "email.imap.folder", "email.imap.pollMillis");

    private SwitchboardConfig.Voice.Recording recording() {
        String file = text("voice.recording.file", SwitchboardConfig.Voice.Recording.DEFAULT_FILE).trim();
        if (!file.matches("[A-Za-z0-9._/{}-]+\\.[A-Za-z0-9]+") || file.contains("..")
                || !file.replaceAll("\\{(date|interaction|uniqueid)}", "").matches("[^{}]*")) {
            throw bad("voice.recording.file", "must be a path of letters, digits, . _ - / with {date}, {interaction} "
                    + "or {uniqueid}, ending in a format's extension (.wav), was '" + file + "'");
        }
        String options = text("voice.recording.options", SwitchboardConfig.Voice.Recording.DEFAULT_OPTIONS).trim();
        if (!options.matches("[A-Za-z]*")) {
            throw bad("voice.recording.options", "must be MixMonitor's option letters (e.g. b), was '" + options + "'");
        }
        return new SwitchboardConfig.Voice.Recording(bool("voice.recording.enabled", false), file, options);
    }

    private SwitchboardConfig.Email email(Path configDir) {
        String from = text("email.from", SwitchboardConfig.Email.DEFAULT_FROM).trim();
        if (!from.matches("[^@\\s<>\"]+@[^@\\s<>\"]+")) {
            throw bad("email.from", "must be a plain address like support@example.com, was '" + from + "'");
        }
        boolean enabled = bool("email.outbound.enabled", false);
        String host = text("email.outbound.host", "").trim();
        if (enabled && host.isEmpty()) {
            throw bad("email.outbound.host", "is required when email.outbound.enabled is true");
        }
        var outbound = new SwitchboardConfig.Email.Outbound(enabled, host,
                port("email.outbound.port", SwitchboardConfig.Email.Outbound.DEFAULT_PORT),
                text("email.outbound.username", ""), text("email.outbound.password", ""),
                bool("email.outbound.starttls", true));
        long perAttachment = integer("email.maxAttachmentBytes", SwitchboardConfig.Email.DEFAULT_MAX_ATTACHMENT_BYTES,
                0, 50L << 20);
        String selfServiceUrl = text("email.selfServiceUrl", "").trim();
        if (!selfServiceUrl.isEmpty() && !selfServiceUrl.matches("https?://[^\\s#]+")) {
            throw bad("email.selfServiceUrl", "must be an http:// or https:// URL without a #fragment, was '"
                    + selfServiceUrl + "'");
        }
        String subject = template("email.acknowledgement.subject", SwitchboardConfig.Email.DEFAULT_ACK_SUBJECT);
        String body = template("email.acknowledgement.body", SwitchboardConfig.Email.DEFAULT_ACK_BODY);
        for (String key : List.of("email.acknowledgement.subject", "email.acknowledgement.body")) {
            String text = key.endsWith("subject") ? subject : body;
            if (text.contains(SwitchboardConfig.Email.SELF_SERVICE_LINK) && selfServiceUrl.isEmpty()) {
                throw bad(key, "uses " + SwitchboardConfig.Email.SELF_SERVICE_LINK
                        + ", which needs email.selfServiceUrl (the page's address as customers reach it)");
            }
        }
        return new SwitchboardConfig.Email(from, outbound, bool("email.autoAcknowledge", true), subject,
                body, selfServiceUrl, perAttachment,
                integer("email.maxAttachmentBytesPerMessage",
                        SwitchboardConfig.Email.DEFAULT_MAX_ATTACHMENT_BYTES_PER_MESSAGE, 0, 100L << 20),
                Duration.ofDays(integer("email.threadDays", SwitchboardConfig.Email.DEFAULT_THREAD_TTL.toDays(), 1, 3650)),
                imap(), acceptRecipients(), inboundTls(configDir));
    }

    /** Addresses ("support@example.com") or whole domains ("@example.com"), lower case; empty = any recipient. */
    /** STARTTLS for the SMTP listener: both PEM files or neither; paths relative to the config folder. */
    private SwitchboardConfig.Email.InboundTls inboundTls(Path configDir) {
        String cert = text("smtp.tlsCertFile", "").trim();
        String key = text("smtp.tlsKeyFile", "").trim();
        boolean required = bool("smtp.requireTls", false);
        if (cert.isEmpty() != key.isEmpty()) {
            throw bad(cert.isEmpty() ? "smtp.tlsCertFile" : "smtp.tlsKeyFile",
                    "is required with the other: a PEM certificate chain and its private key");
        }
        if (cert.isEmpty()) {
            if (required) {
                throw bad("smtp.requireTls", "needs smtp.tlsCertFile and smtp.tlsKeyFile");
            }
            return null;
        }
        return new SwitchboardConfig.Email.InboundTls(readable(configDir, "smtp.tlsCertFile", cert),
                readable(configDir, "smtp.tlsKeyFile", key), required);
    }

    private Path readable(Path configDir, String key, String file) {
        Path path = configDir.resolve(file);
        if (!Files.isReadable(path)) {
            throw bad(key, "cannot read " + path.toAbsolutePath());
        }
        return path;
    }

    private List<String> acceptRecipients() {
        List<String> accepted = list("email.acceptRecipients").stream().map(a -> a.toLowerCase(Locale.ROOT)).toList();
        for (String entry : accepted) {
            int at = entry.indexOf('@');
            if (at < 0 || at != entry.lastIndexOf('@') || at == entry.length() - 1) {
                throw bad("email.acceptRecipients", "'" + entry
                        + "' is neither an address (support@example.com) nor a domain (@example.com)");
            }
        }
        return accepted;
    }

    private SwitchboardConfig.Email.Imap imap() {
        boolean enabled = bool("email.imap.enabled", false);
        String host = text("email.imap.host", "").trim();
        if (enabled && host.isEmpty()) {
            throw bad("email.imap.host", "is required when email.imap.enabled is true");
        }
        for (String credential : List.of("email.imap.username", "email.imap.password")) {
            if (enabled && text(credential, "").isEmpty()) { // the mailbox refuses every login, poll after poll
                throw bad(credential, "is required when email.imap.enabled is true");
            }
        }
        return new SwitchboardConfig.Email.Imap(enabled, host,
                port("email.imap.port", SwitchboardConfig.Email.Imap.DEFAULT_PORT), bool("email.imap.ssl", true),
                text("email.imap.username", ""), text("email.imap.password", ""),
                text("email.imap.folder", SwitchboardConfig.Email.Imap.DEFAULT_FOLDER),
                Duration.ofMillis(integer("email.imap.pollMillis", SwitchboardConfig.Email.Imap.DEFAULT_POLL.toMillis(),
                        100, 3_600_000)));
    }

    /** A subject or body template: it must name the case, or the acknowledgement is pointless. */
    private String template(String key, String defaultValue) {
        String value = text(key, defaultValue);
        if (!value.contains("{caseId}")) {
            throw bad(key, "must contain {caseId}");
        }
        return value;
    }

    /** ami://user:secret@host[:port][/name], checked here so a typo names its key (and never prints the secret). */
    private List<String> amiUrls() {
        List<String> urls = list("voice.amiUrls");
        for (String url : urls) {
            if (!AMI_URL.matcher(url).matches()) {
                throw bad("voice.amiUrls", "must look like ami://user:secret@host:5038/name, was '"
                        + SwitchboardConfig.Voice.masked(url) + "'");
            }
        }
        return urls;
    }

    /** A staff key: long enough not to be guessed (it never expires), as the webhook and identity secrets are. */
    private String key(String name, String value) {
        if (!value.isEmpty() && value.length() < 16) {
            throw bad(name, "keys are at least 16 characters (a bearer key never expires: make it unguessable)");
        }
        return value;
    }

    private SwitchboardConfig.Chat chat() {
        String secret = text("chat.identitySecret", "");
        if (!secret.isEmpty() && secret.length() < 16) {
            throw bad("chat.identitySecret", "must be at least 16 characters (or empty: identities only claimed)");
        }
        boolean required = bool("chat.requireVerifiedIdentity", false);
        if (required && secret.isEmpty()) {
            throw bad("chat.requireVerifiedIdentity", "needs chat.identitySecret, the key the website signs with");
        }
        return new SwitchboardConfig.Chat(
                Duration.ofSeconds(integer("chat.idleTimeoutSeconds",
                        SwitchboardConfig.Chat.DEFAULT_IDLE_TIMEOUT.toSeconds(), 1, 86_400)),
                Duration.ofMillis(integer("chat.positionIntervalMillis",
                        SwitchboardConfig.Chat.DEFAULT_POSITION_INTERVAL.toMillis(), 100, 600_000)),
                Duration.ofSeconds(integer("chat.resumeGraceSeconds",
                        SwitchboardConfig.Chat.DEFAULT_RESUME_GRACE.toSeconds(), 0, 3_600)),
                (int) integer("chat.newChatsPerMinutePerAddress",
                        SwitchboardConfig.Chat.DEFAULT_NEW_CHATS_PER_MINUTE, 0, 100_000),
                secret, required);
    }

    private boolean bool(String key, boolean defaultValue) {
        String raw = values.get(key);
        if (unset(key, raw)) {
            return defaultValue;
        }
        return switch (raw.trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw bad(key, "must be true or false, was '" + raw + "'");
        };
    }

    private SwitchboardConfig.Costs costs() {
        Map<String, Double> perChannel = new LinkedHashMap<>();
        SwitchboardConfig.Costs.DEFAULT_PER_CHANNEL.forEach((channel, cost) ->
                perChannel.put(channel, decimal("costs.perChannel." + channel, cost, 0, 1e6)));
        String currency = text("costs.currency", SwitchboardConfig.Costs.DEFAULT_CURRENCY).trim();
        if (!currency.matches("[A-Za-z]{1,8}")) {
            throw bad("costs.currency", "must be a currency code such as EUR or USD, was '" + currency + "'");
        }
        return new SwitchboardConfig.Costs(
                decimal("costs.agentHourlyCost", SwitchboardConfig.Costs.DEFAULT_AGENT_HOURLY_COST, 0, 1e6),
                currency, Map.copyOf(perChannel),
                decimal("costs.selfServicePerCall", SwitchboardConfig.Costs.DEFAULT_SELF_SERVICE_PER_CALL, 0, 1e6));
    }

    private java.time.ZoneId timeZone(String key) {
        String zone = text(key, "").trim();
        if (zone.isEmpty()) {
            return SwitchboardConfig.Stats.DEFAULT_TIME_ZONE;
        }
        try {
            return java.time.ZoneId.of(zone);
        } catch (java.time.DateTimeException e) {
            throw bad(key, "must be a time zone such as UTC or Europe/Berlin, was '" + zone + "'");
        }
    }

    private static final String DISPOSITIONS = "desktop.dispositions";

    /** desktop.dispositions.<code>: {label, revenue}, in file order; none configured = the defaults. */
    private SwitchboardConfig.Desktop desktop() {
        List<String> codes = values.keySet().stream().filter(k -> k.startsWith(DISPOSITIONS + "."))
                .map(k -> k.substring(DISPOSITIONS.length() + 1)).map(rest -> rest.contains(".")
                        ? rest.substring(0, rest.indexOf('.')) : rest).distinct().toList();
        if (codes.isEmpty()) {
            return new SwitchboardConfig.Desktop(SwitchboardConfig.Desktop.DEFAULT_DISPOSITIONS);
        }
        List<SwitchboardConfig.Disposition> dispositions = new ArrayList<>();
        for (String code : codes) {
            String key = DISPOSITIONS + "." + code;
            if (!code.matches("[a-z0-9_]{1,64}")) {
                throw bad(values.containsKey(key) ? key : key + ".label",
                        "the code must be 1-64 lower-case letters, digits or '_'");
            }
            if (values.containsKey(key)) {
                throw bad(key, "must be a mapping {label, revenue}");
            }
            String label = text(key + ".label", "").trim();
            if (label.isEmpty() || label.length() > 64) {
                throw bad(key + ".label", "must be 1-64 characters");
            }
            String revenue = text(key + ".revenue", "false").trim();
            if (!revenue.equals("true") && !revenue.equals("false")) {
                throw bad(key + ".revenue", "must be true or false, was '" + revenue + "'");
            }
            List<String> unknown = values.keySet().stream().filter(k -> k.startsWith(key + ".")
                    && !k.equals(key + ".label") && !k.equals(key + ".revenue")).toList();
            if (!unknown.isEmpty()) {
                throw bad(unknown.get(0), "unknown key (a disposition has a label and revenue)");
            }
            dispositions.add(new SwitchboardConfig.Disposition(code, label, Boolean.parseBoolean(revenue)));
        }
        return new SwitchboardConfig.Desktop(dispositions);
    }

    private SwitchboardConfig.Sla sla(Path configDir) {
        String file = text("sla.file", SwitchboardConfig.Sla.DEFAULT_FILE).trim();
        return new SwitchboardConfig.Sla(file.isEmpty() ? null : configFile("sla.file", file, configDir),
                Duration.ofMillis(integer("sla.lateAfterMillis", SwitchboardConfig.Sla.DEFAULT_LATE_AFTER.toMillis(),
                        10, 3_600_000)),
                integer("sla.breachesKept", SwitchboardConfig.Sla.DEFAULT_BREACHES_KEPT, 100, 10_000_000));
    }

    private SwitchboardConfig.Webhooks webhooks() {
        List<String> urls = list("webhooks.urls");
        for (String url : urls) {
            if (!url.startsWith("http://") && !url.startsWith("https://") || host(url).isEmpty()) {
                throw bad("webhooks.urls", "must be http:// or https:// URLs with a host, was '" + url + "'");
            }
        }
        String secret = text("webhooks.secret", "");
        if (!urls.isEmpty() && secret.length() < 16) {
            throw bad("webhooks.secret", "must be at least 16 characters when webhooks.urls is set");
        }
        return new SwitchboardConfig.Webhooks(urls, secret,
                (int) integer("webhooks.maxAttempts", SwitchboardConfig.Webhooks.DEFAULT_MAX_ATTEMPTS, 1, 100),
                Duration.ofMillis(integer("webhooks.timeoutMillis",
                        SwitchboardConfig.Webhooks.DEFAULT_TIMEOUT.toMillis(), 100, 60_000)),
                Duration.ofMillis(integer("webhooks.retryBaseMillis",
                        SwitchboardConfig.Webhooks.DEFAULT_RETRY_BASE.toMillis(), 10, 600_000)),
                Duration.ofMillis(integer("webhooks.pollMillis",
                        SwitchboardConfig.Webhooks.DEFAULT_POLL.toMillis(), 10, 60_000)));
    }

    /** A single value: a YAML list given for it (the admin key [a, b]) is refused, not read as the text "a,b". */
    private String text(String key, String defaultValue) {
        if (listed.contains(key)) {
            throw bad(key, "must be a single value, not a list");
        }
        return values.getOrDefault(key, defaultValue);
    }

    /**
     * A file or folder, relative to the working folder (or to the config folder, for the files kept there): never
     * empty, which resolved to the working folder itself (the embedded Redis wrote its data there).
     */
    private Path path(String key, String defaultValue, Path base) {
        String value = text(key, defaultValue).trim();
        if (value.isEmpty()) {
            throw bad(key, "is empty: give it a path or leave it out for the default (" + defaultValue + ")");
        }
        return base.resolve(value);
    }

    /**
     * A file of the config folder. One that is not there has a meaning (no IVR: callers go straight to an agent; no
     * agreements), so it is no error, but it is said at start: a mistyped name used to change that without a word.
     */
    private Path configFile(String key, String defaultValue, Path configDir) {
        Path file = path(key, defaultValue, configDir);
        if (!Files.isRegularFile(file)) {
            LOG.warn("{} names {}, which is not there: {}", key, file.toAbsolutePath(), key.equals("sla.file")
                    ? "no SLA agreements apply" : "callers go straight to an agent, with no IVR");
        }
        return file;
    }

    private List<String> list(String key) {
        String value = values.getOrDefault(key, "");
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private int port(String key, int defaultValue) {
        return (int) integer(key, defaultValue, 0, 65535);
    }

    private long integer(String key, long defaultValue, long min, long max) {
        return parse(key, defaultValue, Long::parseLong, v -> v >= min && v <= max,
                "a whole number from " + min + " to " + max);
    }

    private double decimal(String key, double defaultValue, double min, double max) {
        return parse(key, defaultValue, Double::parseDouble, v -> v >= min && v <= max,
                "a number from " + min + " to " + max);
    }

    private <T> T parse(String key, T defaultValue, Function<String, T> parser,
                        java.util.function.Predicate<T> valid, String expected) {
        String raw = values.get(key);
        if (unset(key, raw)) {
            return defaultValue;
        }
        T value;
        try {
            value = parser.apply(raw.trim());
        } catch (NumberFormatException e) {
            throw bad(key, "must be " + expected + ", was '" + raw + "'");
        }
        if (!valid.test(value)) {
            throw bad(key, "must be " + expected + ", was '" + raw + "'");
        }
        return value;
    }

    private static String host(String url) {
        try {
            String host = java.net.URI.create(url).getHost();
            return host == null ? "" : host;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    /**
     * An Asterisk dialplan context the server sends calls to: a name, never empty (Redirect to an empty context fails
     * on every call, long after the start).
     */
    private String context(String key, String defaultValue) {
        String value = text(key, defaultValue).trim();
        if (!value.matches("[A-Za-z0-9_\\-]{1,79}")) {
            throw bad(key, "must be a dialplan context name (1-79 letters, digits, '-' or '_'), was '" + value + "'");
        }
        return value;
    }

    /** The URL schemes Lettuce takes (RedisURI), and redis-cluster:// for a list of nodes. */
    private static final java.util.Set<String> REDIS_SCHEMES = java.util.Set.of("redis", "rediss", "redis+ssl",
            "redis+tls", "redis-socket", "redis+socket", "redis-sentinel", "rediss-sentinel", "redis-cluster");

    /**
     * Empty for the embedded Redis; else a URL Lettuce takes (redis://, rediss://, redis-socket://, redis-sentinel://
     * with one or more sentinels), redis-cluster://host:port,host:port or a comma-separated list (or a YAML list) of
     * node URLs for a Cluster. The scheme is checked here, so a mistake stops the boot naming the key rather than in
     * the Redis client ("Scheme localhost not supported"); the rest is the client's to read.
     */
    private String redisUrl() {
        String url = String.join(",", list("redis.url"));
        List<String> parts = url.matches("(redis-cluster|rediss?-sentinel)://.*") ? List.of(url)
                : Arrays.asList(url.split(","));
        for (String part : url.isEmpty() ? List.<String>of() : parts) {
            int colon = part.indexOf("://");
            if (colon < 1 || !REDIS_SCHEMES.contains(part.substring(0, colon).toLowerCase(Locale.ROOT))
                    || part.length() == colon + 3) {
                throw bad("redis.url", "must be redis://host:port (rediss:// with TLS), redis-sentinel://host:port/0"
                        + "#master or redis-cluster://host:port,host:port, was '" + url.replaceAll("//[^@/]*@", "//***@")
                        + "'"); // a password in it is not logged
            }
        }
        return url;
    }

    private String keyPrefix(String prefix) {
        if (!prefix.matches("[A-Za-z0-9_.\\-]{1,32}")) {
            throw bad("redis.keyPrefix", "must be 1-32 letters, digits, '-', '_' or '.', was '" + prefix + "'");
        }
        return prefix;
    }

    /**
     * Whether a number or a switch is left to its default: absent, or empty in the file. An environment variable set
     * empty (a deployment's {@code PORT: ${PORT}} with nothing behind it) is a mistake to name, not a silent default
     * that would also hide the file's value.
     */
    private boolean unset(String key, String raw) {
        if (raw != null && raw.isBlank() && lines.getOrDefault(key, 0) < 0) {
            throw bad(key, "is set but empty: give it a value or unset it");
        }
        return raw == null || raw.isBlank();
    }

    private ConfigException bad(String key, String reason) {
        int line = lines.getOrDefault(key, 0);
        String where = line < 0 ? "environment override of " + key : file + ":" + line + ": " + key;
        return new ConfigException(where + " " + reason);
    }

    /** Boot fails with this; the message names the key. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }
}
