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
                                Email email, Costs costs, Stats stats, Desktop desktop,
                                Path configDir) {

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
     * @param holdContext where a caller waits for an agent (extension s), e.g. after a blind transfer
     * @param onHoldContext where an agent's hold puts the caller (extension s) and the agent's leg (agent)
     * @param consultContext where a warm transfer (Atxfer) dials the target agent's extension
     * @param outboundContext where click-to-dial and callbacks dial the customer from the agent's phone
     * @param ivrFile the IVR flow
     * @param recontactWindow a caller back within this after self-service was not contained
     * @param ewtAnnounce a waiting caller hears the estimated wait on entry and then this often; zero = never
     * @param callbackOffer a waiting caller whose estimated wait is longer is offered a callback; zero = never
     * @param callOwnerTtl a node silent this long (dead) loses its calls to the next node that sees their events
     * @param dialRing how long click-to-dial and callbacks ring the agent's phone before giving up
     * @param agiAllowedHosts the hosts (addresses or names) whose FastAGI sessions are served; empty = any
     */
    public record Voice(List<String> amiUrls, String connectContext, String holdContext, String onHoldContext,
                        String consultContext, String outboundContext,
                        Path ivrFile,
                        Duration recontactWindow, Duration ewtAnnounce, Duration callbackOffer, Duration callOwnerTtl,
                        Recording recording, List<String> monitorEndpoints, Duration dialRing,
                        List<String> agiAllowedHosts) {
        /** An AMI URL as a log or an error may show it, whatever its scheme: without the secret. */
        public static String masked(String url) {
            return url.replaceAll("^([^:/@]*://)?([^:@/]*):[^@]*@", "$1$2:***@");
        }

        public static final Duration DEFAULT_CALL_OWNER_TTL = Duration.ofSeconds(15);
        public static final Duration DEFAULT_DIAL_RING = Duration.ofSeconds(30);
        public static final Duration DEFAULT_EWT_ANNOUNCE = Duration.ofSeconds(60);
        public static final Duration DEFAULT_CALLBACK_OFFER = Duration.ofSeconds(300);
        public static final String DEFAULT_CONNECT_CONTEXT = "switchboard-connect";
        public static final String DEFAULT_HOLD_CONTEXT = "switchboard-hold";
        public static final String DEFAULT_ON_HOLD_CONTEXT = "switchboard-onhold";
        public static final String DEFAULT_CONSULT_CONTEXT = "switchboard-consult";
        public static final String DEFAULT_OUTBOUND_CONTEXT = "switchboard-outbound";
        public static final Duration DEFAULT_RECONTACT_WINDOW = Duration.ofHours(24);

        /**
         * Call recording with Asterisk's MixMonitor, from the moment an agent answers.
         *
         * @param file where Asterisk writes it (relative: under its monitor spool), with {date} (yyyy-MM-dd, UTC),
         *             {interaction} and {uniqueid} (the caller's channel) filled in; the extension picks the format
         * @param options MixMonitor's options (b: only while the call is bridged, so no hold music)
         */
        public record Recording(boolean enabled, String file, String options) {
            public static final String DEFAULT_FILE = "switchboard/{date}/{interaction}.wav";
            public static final String DEFAULT_OPTIONS = "b";
        }
    }

    /**
     * The web chat channel.
     *
     * @param idleTimeout a chat with an agent where nobody writes for this long is closed with a message
     * @param positionInterval how often a waiting customer is told its place in line
     * @param resumeGrace how long a chat whose customer socket dropped waits to be resumed with its token
     *                    before it counts as left; zero = at once
     * @param newChatsPerMinute new chats one client address may start per minute; 0 = no limit
     * @param identitySecret the key the website signs a signed-in customer's email with (HMAC-SHA256); empty = the
     *                       form's email is only claimed
     * @param requireVerifiedIdentity only chats whose email the website signed may start
     */
    public record Chat(Duration idleTimeout, Duration positionInterval, Duration resumeGrace, int newChatsPerMinute,
                       String identitySecret, boolean requireVerifiedIdentity) {
        public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
        public static final Duration DEFAULT_POSITION_INTERVAL = Duration.ofSeconds(5);
        public static final Duration DEFAULT_RESUME_GRACE = Duration.ofSeconds(60);
        public static final int DEFAULT_NEW_CHATS_PER_MINUTE = 10;
    }

    /**
     * What a contact costs, for cost per contact: (agent cost + channel cost) / contacts handled.
     *
     * @param agentHourlyCost cost of one agent hour logged in (salary and overheads)
     * @param currency a label only (dashboards and the stats API show it); no conversion
     * @param perChannel telephony or platform cost of each contact, by channel wire name
     * @param selfServicePerCall cost of a call the IVR served alone (contained)
     */
    public record Costs(double agentHourlyCost, String currency, java.util.Map<String, Double> perChannel,
                        double selfServicePerCall) {
        public static final double DEFAULT_AGENT_HOURLY_COST = 30.0;
        public static final String DEFAULT_CURRENCY = "EUR";
        public static final java.util.Map<String, Double> DEFAULT_PER_CHANNEL =
                java.util.Map.of("voice", 0.05, "chat", 0.01, "email", 0.005, "callback", 0.05);
        public static final double DEFAULT_SELF_SERVICE_PER_CALL = 0.10;

        /** The channel's cost per contact; 0 for a channel with no configured cost. */
        public double perContact(String channel) {
            return perChannel.getOrDefault(channel, 0.0);
        }
    }

    /**
     * @param timeZone the business's zone: where "today" starts for the statistics API
     * @param perAgentSeries whether /metrics also carries series labelled by agent (contacts handled and
     *                       handling time per agent); off by default, since every agent adds series
     * @param realtimeMaxAge how old the floor's live statistics may be when served: the floor is then read once
     *                       per this period for every node, console and scrape together; zero = read per request
     */
    public record Stats(java.time.ZoneId timeZone, boolean perAgentSeries, Duration realtimeMaxAge) {
        public static final java.time.ZoneId DEFAULT_TIME_ZONE = java.time.ZoneId.of("UTC");
        public static final Duration DEFAULT_REALTIME_MAX_AGE = Duration.ofSeconds(1);
    }

    /**
     * The email channel beyond the inbound listener ({@code smtp.port}).
     *
     * @param from the support address replies and acknowledgements come from
     * @param autoAcknowledge send the customer the case number when an email opens a new case
     * @param acknowledgementSubject template with {@code {caseId}} and {@code {subject}}
     * @param acknowledgementBody template with {@code {caseId}}, {@code {subject}} and {@code {selfServiceLink}}
     * @param selfServiceUrl the self-service page as customers reach it; empty = no links mailed
     * @param maxAttachmentBytes a larger attachment is dropped (noted on the email), the mail still taken
     * @param maxAttachmentBytesPerMessage attachments past this total in one mail are dropped
     * @param threadTtl how long a Message-ID still threads a reply (by In-Reply-To/References) onto its case
     * @param imap a mailbox polled for inbound mail besides the SMTP listener
     */
    public record Email(String from, Outbound outbound, boolean autoAcknowledge, String acknowledgementSubject,
                        String acknowledgementBody, String selfServiceUrl, long maxAttachmentBytes, long maxAttachmentBytesPerMessage,
                        Duration threadTtl, Imap imap, List<String> acceptRecipients, InboundTls inboundTls) {
        /** Longer than a year: an annual renewal answered to last year's mail still finds its case. */
        public static final Duration DEFAULT_THREAD_TTL = Duration.ofDays(400);
        public static final String DEFAULT_FROM = "support@example.com";
        public static final String DEFAULT_ACK_SUBJECT = "We received your message: {subject} [#{caseId}]";
        public static final String DEFAULT_ACK_BODY = "Thank you for writing to us. Your case number is {caseId};"
                + " keep it in the subject when you write again and we will find your case at once.";
        /** In the acknowledgement's body: the case's self-service link (CaseLinks). */
        public static final String SELF_SERVICE_LINK = "{selfServiceLink}";
        public static final long DEFAULT_MAX_ATTACHMENT_BYTES = 5L << 20;
        public static final long DEFAULT_MAX_ATTACHMENT_BYTES_PER_MESSAGE = 8L << 20;

        /**
         * STARTTLS on the inbound SMTP listener (RFC 3207), for an MX that senders reach over the internet.
         *
         * @param certFile PEM certificate chain; {@code keyFile} its private key (PEM, PKCS#8 or PKCS#1)
         * @param required true = no mail is taken before STARTTLS (530); false = offered, plain mail still taken
         */
        public record InboundTls(java.nio.file.Path certFile, java.nio.file.Path keyFile, boolean required) {
        }

        /**
         * The mail server replies go out through (the site's relay).
         *
         * @param enabled off = the reply endpoint answers 503 and no acknowledgement is sent
         * @param starttls true = STARTTLS is required before AUTH and the message; false = plain SMTP
         */
        public record Outbound(boolean enabled, String host, int port, String username, String password,
                               boolean starttls) {
            public static final int DEFAULT_PORT = 587;
        }

        /**
         * A mailbox read over IMAP: its unseen messages are taken like SMTP ones, then flagged seen.
         *
         * @param ssl true = IMAPS (TLS from the first byte, port 993); false = plain IMAP (tests, local servers)
         * @param poll how often each node looks for new mail
         */
        public record Imap(boolean enabled, String host, int port, boolean ssl, String username, String password,
                           String folder, Duration poll) {
            public static final int DEFAULT_PORT = 993;
            public static final String DEFAULT_FOLDER = "INBOX";
            public static final Duration DEFAULT_POLL = Duration.ofSeconds(60);
        }
    }

    /** @param instances event loops serving HTTP (see {@link #defaultInstances}) */
    public record Http(int port, long maxBodyBytes, int instances) {
        public static final int DEFAULT_PORT = 8080;
        public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

        /**
         * One per core, but one core is left to an embedded Redis: its one thread serves every node's routing,
         * and on two cores (RoutingBench, Redis and the client on the same machine) one HTTP loop routed
         * 1,919 lifecycles/s (median of 4 runs) against 1,692 with two.
         */
        public static int defaultInstances(boolean embeddedRedis) {
            int cores = Runtime.getRuntime().availableProcessors();
            return embeddedRedis ? Math.max(1, cores - 1) : cores;
        }
    }

    /** The channels' listeners besides HTTP: FastAGI (the IVR) and SMTP (inbound mail); 0 = any free port. */
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

    /** @param retention how long a finished interaction and its offers stay readable; zero = for ever */
    public record Routing(Path rulesDir, String defaultWorkflow, Duration reservationTimeout, int maxMissedOffers,
                          Duration timerSweepInterval, int timerSweepBatch, Duration rulesReloadInterval,
                          Duration retention) {
        public static final double DEFAULT_RETENTION_DAYS = 30;
        public static final Duration DEFAULT_RESERVATION_TIMEOUT = Duration.ofSeconds(15);
        public static final int DEFAULT_MAX_MISSED_OFFERS = 2;
        public static final Duration DEFAULT_TIMER_SWEEP_INTERVAL = Duration.ofMillis(100);
        /**
         * One sweep is one script run, and Redis serves no other command meanwhile: 500 SLA breaches held it for
         * 23-37 ms on the benchmark host, every routing decision of every node waiting behind them. 100 bounds that
         * to a few ms; a full batch sweeps again at once, so a storm still fires as fast.
         */
        public static final int DEFAULT_TIMER_SWEEP_BATCH = 100;
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
