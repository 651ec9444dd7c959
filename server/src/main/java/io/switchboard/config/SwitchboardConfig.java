package io.switchboard.config;

import io.switchboard.routing.PriorityPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The whole server configuration, typed and validated at boot. Every key, its default and why it is
 * what it is: {@code config/switchboard.yaml}.
 */
public record SwitchboardConfig(Http http, Ports ports, Redis redis, Security security, Routing routing,
                                PriorityPolicy priority, Webhooks webhooks, Voice voice, Sla sla, Chat chat,
                                Desktop desktop, Path configDir) {

    /**
     * The agent desktop.
     *
     * @param dispositions the wrap-up codes agents choose from, in the order shown; completing an
     *                     interaction with another code is refused
     */
    public record Desktop(List<Disposition> dispositions) {
        public static final List<Disposition> DEFAULT_DISPOSITIONS = List.of(
                new Disposition("resolved", "Resolved", false), new Disposition("follow_up", "Follow-up", false),
                new Disposition("escalated", "Escalated", false), new Disposition("sale", "Sale", true),
                new Disposition("no_answer", "No answer", false), new Disposition("wrong_queue", "Wrong queue", false));

        public Desktop {
            dispositions = List.copyOf(dispositions);
        }

        public boolean knows(String code) {
            return dispositions.stream().anyMatch(d -> d.code().equals(code));
        }
    }

    /** @param revenue whether the wrap-up form asks for an amount with this code (a sale, an upsell) */
    public record Disposition(String code, String label, boolean revenue) {
    }

    /**
     * @param amiUrls Asterisk servers, {@code ami://user:secret@host:5038/name}; empty = no call control
     * @param connectContext dialplan context a caller is redirected into, with the agent's extension
     * @param outboundContext where click-to-dial and callbacks dial the customer from the agent's phone
     * @param ivrFile the IVR flow
     * @param recontactWindow a caller back within this after self-service was not contained
     */
    public record Voice(List<String> amiUrls, String connectContext, String outboundContext, Path ivrFile,
                        Duration recontactWindow) {
        public static final String DEFAULT_CONNECT_CONTEXT = "switchboard-connect";
        public static final String DEFAULT_OUTBOUND_CONTEXT = "switchboard-outbound";
        public static final Duration DEFAULT_RECONTACT_WINDOW = Duration.ofHours(24);
    }

    /**
     * The web chat channel.
     *
     * @param idleTimeout a chat with an agent where nobody writes for this long is closed with a message
     * @param positionInterval how often a waiting customer is told its place in line
     */
    public record Chat(Duration idleTimeout, Duration positionInterval) {
        public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
        public static final Duration DEFAULT_POSITION_INTERVAL = Duration.ofSeconds(5);
    }

    /** @param instances event loops serving HTTP; one per core by default */
    public record Http(int port, long maxBodyBytes, int instances) {
        public static final int DEFAULT_PORT = 8080;
        public static final int DEFAULT_INSTANCES = Runtime.getRuntime().availableProcessors();
        public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    }

    /** Listeners of the channels that arrive with later modules; reserved here so one config holds all. */
    public record Ports(int agi, int smtp) {
        public static final int DEFAULT_AGI = 4573;
        public static final int DEFAULT_SMTP = 2525;
    }

    /**
     * @param url empty = start an embedded redis-server; else redis://, rediss://, redis-sentinel://,
     *            or a comma-separated list of redis:// nodes for Redis Cluster
     * @param keyPrefix all keys are {@code {prefix}:...}: one hash tag, so Lua scripts are atomic on a cluster
     */
    public record Redis(String url, String keyPrefix, Path embeddedDataDir) {
        public static final String DEFAULT_KEY_PREFIX = "sb";
        public static final String DEFAULT_EMBEDDED_DATA_DIR = "data/redis";

        public boolean embedded() {
            return url == null || url.isBlank();
        }
    }

    /** @param adminKey empty = generate one at start-up and print it (embedded default only) */
    public record Security(String adminKey, List<String> supervisorKeys, Duration agentTokenTtl) {
        public static final Duration DEFAULT_AGENT_TOKEN_TTL = Duration.ofHours(12);
    }

    public record Routing(Path rulesDir, String defaultWorkflow, Duration reservationTimeout, int maxMissedOffers,
                          Duration timerSweepInterval, int timerSweepBatch, Duration rulesReloadInterval) {
        public static final Duration DEFAULT_RESERVATION_TIMEOUT = Duration.ofSeconds(15);
        public static final int DEFAULT_MAX_MISSED_OFFERS = 2;
        public static final Duration DEFAULT_TIMER_SWEEP_INTERVAL = Duration.ofMillis(100);
        public static final int DEFAULT_TIMER_SWEEP_BATCH = 500;
        public static final Duration DEFAULT_RULES_RELOAD_INTERVAL = Duration.ofSeconds(2);
    }

    /**
     * CRM callbacks: every routing event is POSTed to each URL, signed with HMAC-SHA256 of the body.
     *
     * @param urls empty = webhooks off
     * @param maxAttempts a delivery failing this many times is dropped (and counted)
     * @param retryBase first retry delay; it doubles per attempt, up to 5 minutes
     */
    public record Webhooks(List<String> urls, String secret, int maxAttempts, Duration timeout, Duration retryBase,
                           Duration poll) {
        public static final int DEFAULT_MAX_ATTEMPTS = 8;
        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
        public static final Duration DEFAULT_RETRY_BASE = Duration.ofSeconds(1);
        public static final Duration DEFAULT_POLL = Duration.ofMillis(200);

        public boolean enabled() {
            return !urls.isEmpty();
        }
    }

    /**
     * Service-level agreements.
     *
     * @param file the policy file ({@code sla.yaml}); null = no agreements
     * @param lateAfter a step firing later than this after its deadline is reported {@code late}
     * @param breachesKept breaches kept in Redis for the breach report
     */
    public record Sla(Path file, Duration lateAfter, long breachesKept) {
        public static final String DEFAULT_FILE = "sla.yaml";
        public static final Duration DEFAULT_LATE_AFTER = Duration.ofSeconds(1);
        public static final long DEFAULT_BREACHES_KEPT = 100_000;

        public boolean enabled() {
            return file != null;
        }
    }
}
