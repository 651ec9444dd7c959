package io.switchboard.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @Test
    void theShippedFileHoldsTheDocumentedDefaults() {
        SwitchboardConfig config = ConfigLoader.load(Map.of(), Repo.root());
        assertEquals(8080, config.http().port());
        assertEquals(4573, config.ports().agi());
        assertEquals(2525, config.ports().smtp());
        assertTrue(config.redis().embedded());
        assertEquals("sb", config.redis().keyPrefix());
        assertEquals(Duration.ofSeconds(15), config.routing().reservationTimeout());
        assertEquals(2, config.routing().maxMissedOffers());
        assertEquals(Duration.ofDays(30), config.routing().retention());
        assertEquals(0.5, config.priority().agingPerSecond());
        assertEquals(20.0, config.priority().tierPoints().get("gold"));
        assertEquals(Repo.root().resolve("routing-rules"), config.routing().rulesDir());
        SwitchboardConfig.Email email = config.email();
        assertEquals("support@example.com", email.from());
        assertEquals(false, email.outbound().enabled(), "outbound mail is off until a relay is configured");
        assertEquals(true, email.outbound().starttls());
        assertEquals(587, email.outbound().port());
        assertEquals(true, email.autoAcknowledge());
        assertEquals(SwitchboardConfig.Email.DEFAULT_ACK_SUBJECT, email.acknowledgementSubject());
        assertEquals(SwitchboardConfig.Email.DEFAULT_ACK_BODY, email.acknowledgementBody());
        assertEquals(5L << 20, email.maxAttachmentBytes());
        assertEquals(8L << 20, email.maxAttachmentBytesPerMessage());
        assertEquals(Duration.ofDays(400), email.threadTtl());
        assertEquals(30.0, config.costs().agentHourlyCost());
        assertEquals("EUR", config.costs().currency());
        assertEquals(0.05, config.costs().perContact("voice"));
        assertEquals(0.01, config.costs().perContact("chat"));
        assertEquals(0.10, config.costs().selfServicePerCall());
        assertEquals(java.time.ZoneId.of("UTC"), config.stats().timeZone());
        assertEquals(Duration.ofSeconds(1), config.stats().realtimeMaxAge());
        assertEquals(SwitchboardConfig.Desktop.DEFAULT_DISPOSITIONS, config.desktop().dispositions());
    }

    @Test
    void anEmbeddedRedisIsLeftACoreOfItsOwnUnlessTheHttpLoopsAreSet() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(Math.max(1, cores - 1), ConfigLoader.load(Map.of(), Repo.root()).http().instances());
        assertEquals(cores, ConfigLoader.load(Map.of("REDIS_URL", "redis://redis.example:6379"), Repo.root())
                .http().instances());
        assertEquals(3, ConfigLoader.load(Map.of("SWITCHBOARD_HTTP_INSTANCES", "3"), Repo.root()).http().instances());
        var none = assertThrows(ConfigLoader.ConfigException.class,
                () -> ConfigLoader.load(Map.of("SWITCHBOARD_HTTP_INSTANCES", "0"), Repo.root()));
        assertTrue(none.getMessage().contains("http.instances"), none.getMessage());
    }

    @Test
    void badEmailSettingsNameTheirKey() {
        var noHost = assertThrows(ConfigLoader.ConfigException.class,
                () -> ConfigLoader.load(Map.of("SWITCHBOARD_SMTP_OUT_ENABLED", "true"), Repo.root()));
        assertTrue(noHost.getMessage().contains("email.outbound.host is required"), noHost.getMessage());
        var flag = assertThrows(ConfigLoader.ConfigException.class,
                () -> ConfigLoader.load(Map.of("SWITCHBOARD_SMTP_OUT_STARTTLS", "yes"), Repo.root()));
        assertTrue(flag.getMessage().contains("email.outbound.starttls must be true or false"), flag.getMessage());
        var from = assertThrows(ConfigLoader.ConfigException.class,
                () -> ConfigLoader.load(Map.of("SWITCHBOARD_EMAIL_FROM", "Support <s@example.com>"), Repo.root()));
        assertTrue(from.getMessage().contains("email.from must be a plain address"), from.getMessage());
        var accept = assertThrows(ConfigLoader.ConfigException.class,
                () -> ConfigLoader.load(Map.of("SWITCHBOARD_EMAIL_ACCEPT", "support@example.com, example.org"), Repo.root()));
        assertTrue(accept.getMessage().contains("email.acceptRecipients 'example.org' is neither an address"),
                accept.getMessage());
        assertEquals(List.of("support@example.com", "@help.example.org"), ConfigLoader.load(
                Map.of("SWITCHBOARD_EMAIL_ACCEPT", "Support@Example.com,@help.example.org"), Repo.root())
                .email().acceptRecipients());
    }

    @Test
    void chatIdentitiesAreOnlyClaimedUntilASecretIsSet() {
        SwitchboardConfig.Chat shipped = ConfigLoader.load(Map.of(), Repo.root()).chat();
        assertEquals("", shipped.identitySecret());
        assertEquals(false, shipped.requireVerifiedIdentity());
        var shortSecret = assertThrows(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(
                Map.of("SWITCHBOARD_CHAT_IDENTITY_SECRET", "guessable"), Repo.root()));
        assertTrue(shortSecret.getMessage().contains("chat.identitySecret must be at least 16"), shortSecret.getMessage());
        var noSecret = assertThrows(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(
                Map.of("SWITCHBOARD_CHAT_REQUIRE_IDENTITY", "true"), Repo.root()));
        assertTrue(noSecret.getMessage().contains("chat.requireVerifiedIdentity needs chat.identitySecret"),
                noSecret.getMessage());
        assertTrue(ConfigLoader.load(Map.of("SWITCHBOARD_CHAT_IDENTITY_SECRET", "0123456789abcdef",
                "SWITCHBOARD_CHAT_REQUIRE_IDENTITY", "true"), Repo.root()).chat().requireVerifiedIdentity());
    }

    @Test
    void theSelfServiceLinkNeedsThePagesAddress(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assertEquals("", ConfigLoader.load(Map.of(), Repo.root()).email().selfServiceUrl());
        var fragment = assertThrows(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(
                Map.of("SWITCHBOARD_SELF_SERVICE_URL", "https://support.example.com/self-service/#x"), Repo.root()));
        assertTrue(fragment.getMessage().contains("email.selfServiceUrl must be an http:// or https:// URL"),
                fragment.getMessage());
        java.nio.file.Path config = java.nio.file.Files.createDirectories(dir.resolve("config"));
        java.nio.file.Files.writeString(config.resolve("switchboard.yaml"),
                "email:\n  acknowledgement:\n    body: \"Case {caseId}: {selfServiceLink}\"\n");
        var noUrl = assertThrows(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(Map.of(), dir));
        assertTrue(noUrl.getMessage().contains("email.acknowledgement.body uses {selfServiceLink}, which needs "
                + "email.selfServiceUrl"), noUrl.getMessage());
        assertEquals("https://support.example.com/self-service/", ConfigLoader.load(
                Map.of("SWITCHBOARD_SELF_SERVICE_URL", "https://support.example.com/self-service/"), dir)
                .email().selfServiceUrl());
    }

    @Test
    void aBadAmiUrlNamesItsKeyAndHidesItsSecret() {
        var bad = assertThrows(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(
                Map.of("SWITCHBOARD_AMI_URLS", "ami://switchboard:s3cret@pbx:5038/pbx1,amis://switchboard:t0p@pbx2"),
                Repo.root()));
        assertTrue(bad.getMessage().contains("voice.amiUrls must look like ami://"), bad.getMessage());
        assertFalse(bad.getMessage().contains("t0p") || bad.getMessage().contains("s3cret"), bad.getMessage());
        assertEquals(List.of("ami://switchboard:s3cret@[::1]:5038/pbx1"), ConfigLoader.load(
                Map.of("SWITCHBOARD_AMI_URLS", "ami://switchboard:s3cret@[::1]:5038/pbx1"), Repo.root()).voice().amiUrls());
    }

    @Test
    void smtpTlsNeedsBothReadableFiles() {
        assertEquals(null, ConfigLoader.load(Map.of(), Repo.root()).email().inboundTls(), "off by default");
        var alone = assertThrows(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(
                Map.of("SWITCHBOARD_SMTP_TLS_CERT", "cert.pem"), Repo.root()));
        assertTrue(alone.getMessage().contains("smtp.tlsKeyFile is required with the other"), alone.getMessage());
        var required = assertThrows(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(
                Map.of("SWITCHBOARD_SMTP_REQUIRE_TLS", "true"), Repo.root()));
        assertTrue(required.getMessage().contains("smtp.requireTls needs smtp.tlsCertFile"), required.getMessage());
        var missing = assertThrows(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(
                Map.of("SWITCHBOARD_SMTP_TLS_CERT", "no-such.pem", "SWITCHBOARD_SMTP_TLS_KEY", "no-such.key"), Repo.root()));
        assertTrue(missing.getMessage().contains("smtp.tlsCertFile cannot read"), missing.getMessage());
    }

    /** `adminKey: null` left no admin key but the key "null": anyone could have guessed it. */
    @Test
    void aYamlNullIsTheDefaultNotTheWordNull(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("switchboard.yaml"),
                "security:\n  adminKey: null\n  supervisorKeys: ~\n");
        SwitchboardConfig config = ConfigLoader.load(Map.of("SWITCHBOARD_CONFIG_DIR", dir.toString()), dir);
        assertEquals("", config.security().adminKey(), "none: generated and printed at start");
        assertEquals(List.of(), config.security().supervisorKeys());
    }

    @Test
    void recordingIsOffByDefaultAndItsFileTemplateIsChecked(@TempDir Path dir) throws IOException {
        SwitchboardConfig.Voice.Recording shipped = ConfigLoader.load(Map.of(), Repo.root()).voice().recording();
        assertEquals(new SwitchboardConfig.Voice.Recording(false, "switchboard/{date}/{interaction}.wav", "b"), shipped);
        assertTrue(ConfigLoader.load(Map.of("SWITCHBOARD_RECORDING_ENABLED", "true"), Repo.root()).voice().recording()
                .enabled());
        for (String file : new String[] {"../etc/{interaction}.wav", "calls/{caller}.wav", "calls/{interaction}",
                "calls/{interaction}.wav,x"}) {
            Files.writeString(dir.resolve("switchboard.yaml"), "voice:\n  recording:\n    file: '" + file + "'\n");
            var bad = assertThrows(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(
                    Map.of("SWITCHBOARD_CONFIG_DIR", dir.toString()), dir), file);
            assertTrue(bad.getMessage().contains("voice.recording.file"), bad.getMessage());
        }
        Files.writeString(dir.resolve("switchboard.yaml"), "voice:\n  recording:\n    options: 'b,x'\n");
        var options = assertThrows(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(
                Map.of("SWITCHBOARD_CONFIG_DIR", dir.toString()), dir));
        assertTrue(options.getMessage().contains("voice.recording.options"), options.getMessage());
    }

    @Test
    void costsAndTheBusinessTimeZoneAreReadAndChecked(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("switchboard.yaml"), """
                costs:
                  perChannel:
                    chat: 0.2
                stats:
                  timeZone: Asia/Kolkata
                """);
        SwitchboardConfig config = ConfigLoader.load(Map.of("SWITCHBOARD_CONFIG_DIR", dir.toString(),
                "SWITCHBOARD_AGENT_HOURLY_COST", "42.5"), dir);
        assertEquals(42.5, config.costs().agentHourlyCost());
        assertEquals(0.2, config.costs().perContact("chat"));
        assertEquals(0.05, config.costs().perContact("voice"));
        assertEquals(java.time.ZoneId.of("Asia/Kolkata"), config.stats().timeZone());

        var zone = assertThrows(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(
                Map.of("SWITCHBOARD_STATS_TIME_ZONE", "Mars/Olympus"), Repo.root()));
        assertTrue(zone.getMessage().contains("stats.timeZone must be a time zone"), zone.getMessage());
        var cost = assertThrows(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(
                Map.of("SWITCHBOARD_AGENT_HOURLY_COST", "-1"), Repo.root()));
        assertTrue(cost.getMessage().contains("costs.agentHourlyCost must be a number"), cost.getMessage());
    }

    @Test
    void dispositionsAreReadInFileOrderAndABadOneNamesItsKey(@TempDir Path dir) throws IOException {
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.writeString(config.resolve("switchboard.yaml"), """
                desktop:
                  dispositions:
                    upsell: {label: "Up-sell", revenue: true}
                    answered: {label: Answered}
                """);
        assertEquals(List.of(new SwitchboardConfig.Disposition("upsell", "Up-sell", true),
                new SwitchboardConfig.Disposition("answered", "Answered", false)),
                ConfigLoader.load(Map.of(), dir).desktop().dispositions());

        Files.writeString(config.resolve("switchboard.yaml"), """
                desktop:
                  dispositions:
                    sale: {label: Sale, revenue: maybe}
                """);
        ConfigLoader.ConfigException bad = assertThrows(ConfigLoader.ConfigException.class,
                () -> ConfigLoader.load(Map.of(), dir));
        assertTrue(bad.getMessage().endsWith(":3: desktop.dispositions.sale.revenue must be true or false, was 'maybe'"),
                bad.getMessage());
        Files.writeString(config.resolve("switchboard.yaml"), "desktop:\n  dispositions:\n    Bad-Code: {label: x}\n");
        bad = assertThrows(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(Map.of(), dir));
        assertTrue(bad.getMessage().contains("desktop.dispositions.Bad-Code.label the code must be"), bad.getMessage());
    }

    @Test
    void environmentOverridesWin() {
        SwitchboardConfig config = ConfigLoader.load(Map.of("SWITCHBOARD_HTTP_PORT", "0", "REDIS_URL", "redis://h:1",
                "SWITCHBOARD_SUPERVISOR_KEYS", "sup-key-one-0123456, sup-key-two-0123456",
                "SWITCHBOARD_RESERVATION_TIMEOUT_SECONDS", "30"), Repo.root());
        assertEquals(0, config.http().port());
        assertEquals("redis://h:1", config.redis().url());
        assertEquals(List.of("sup-key-one-0123456", "sup-key-two-0123456"), config.security().supervisorKeys());
        var guessable = assertThrows(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(
                Map.of("SWITCHBOARD_ADMIN_KEY", "admin"), Repo.root()));
        assertTrue(guessable.getMessage().contains("security.adminKey keys are at least 16"), guessable.getMessage());
        assertEquals(Duration.ofSeconds(30), config.routing().reservationTimeout());
    }

    @Test
    void aBadValueNamesItsKeyAndLine(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("switchboard.yaml"), """
                http:
                  port: 8080
                routing:
                  reservationTimeoutSeconds: soon
                """);
        var e = assertThrows(ConfigLoader.ConfigException.class,
                () -> ConfigLoader.load(Map.of("SWITCHBOARD_CONFIG_DIR", dir.toString()), dir));
        assertTrue(e.getMessage().contains(":4: routing.reservationTimeoutSeconds must be a whole number"), e.getMessage());

        var env = assertThrows(ConfigLoader.ConfigException.class,
                () -> ConfigLoader.load(Map.of("SWITCHBOARD_HTTP_PORT", "70000"), Repo.root()));
        assertTrue(env.getMessage().contains("environment override of http.port must be a whole number from 0 to 65535"),
                env.getMessage());
        // set but empty (compose's "PORT: ${PORT}" with nothing behind it): named, not a silent default over the file
        var empty = assertThrows(ConfigLoader.ConfigException.class,
                () -> ConfigLoader.load(Map.of("SWITCHBOARD_HTTP_PORT", ""), Repo.root()));
        assertTrue(empty.getMessage().contains("environment override of http.port is set but empty"), empty.getMessage());
        assertThrows(ConfigLoader.ConfigException.class,
                () -> ConfigLoader.load(Map.of("SWITCHBOARD_RECORDING_ENABLED", " "), Repo.root()));
        assertEquals("", ConfigLoader.load(Map.of("REDIS_URL", ""), Repo.root()).redis().url(),
                "a text set empty is 'none' (here: the embedded Redis), as documented");
        var retention = assertThrows(ConfigLoader.ConfigException.class,
                () -> ConfigLoader.load(Map.of("SWITCHBOARD_RETENTION_DAYS", "-1"), Repo.root()));
        assertTrue(retention.getMessage().contains("routing.retentionDays"), retention.getMessage());
        assertEquals(Duration.ofHours(12), ConfigLoader.load(Map.of("SWITCHBOARD_RETENTION_DAYS", "0.5"), Repo.root())
                .routing().retention());
        var age = assertThrows(ConfigLoader.ConfigException.class,
                () -> ConfigLoader.load(Map.of("SWITCHBOARD_REALTIME_MAX_AGE_MILLIS", "120000"), Repo.root()));
        assertTrue(age.getMessage().contains("stats.realtimeMaxAgeMillis"), age.getMessage());
        assertEquals(Duration.ZERO, ConfigLoader.load(Map.of("SWITCHBOARD_REALTIME_MAX_AGE_MILLIS", "0"), Repo.root())
                .stats().realtimeMaxAge());
    }

    @Test
    void unknownKeysAreRejected(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("switchboard.yaml"), "routing:\n  reservationTimeout: 10\n");
        var e = assertThrows(ConfigLoader.ConfigException.class,
                () -> ConfigLoader.load(Map.of("SWITCHBOARD_CONFIG_DIR", dir.toString()), dir));
        assertTrue(e.getMessage().contains("routing.reservationTimeout unknown key"), e.getMessage());
    }
    /** Mistakes that used to start a node quietly on defaults, or fail later at run time, stop the boot naming the key. */
    @Test
    void mistakesThatUsedToPassQuietlyStopTheBoot(@TempDir Path dir) throws IOException {
        assertRefused(Map.of("SWITCHBOARD_CONFIG_DIR", "confg"), dir, "SWITCHBOARD_CONFIG_DIR names");
        assertRefused(Map.of("SWITCHBOARD_RULES_DIR", ""), dir, "environment override of routing.rulesDir is empty");
        assertRefused(Map.of("SWITCHBOARD_DATA_DIR", " "), dir, "redis.embeddedDataDir");
        assertEquals(null, ConfigLoader.load(Map.of("SWITCHBOARD_SLA_FILE", ""), dir).sla().file(),
                "empty: no agreements, as documented");
        assertRefused(Map.of("REDIS_URL", "localhost:6379"), dir, "environment override of redis.url must be redis://");
        assertRefused(Map.of("REDIS_URL", "redis://h:1,tcp://:s3cret@h:2"), dir, "tcp://***@h:2'");
        for (String url : List.of("redis://h:6379", "rediss://:pw@h:6380/1", "redis-sentinel://s1:26379,s2:26379/0#m",
                "redis-cluster://h1:7000,h2:7001", "redis://h1:7000,redis://h2:7001", "redis://redis_cache:6379",
                "redis-socket:///var/run/redis.sock", "redis+ssl://h:6380")) {
            assertEquals(url, ConfigLoader.load(Map.of("REDIS_URL", url), dir).redis().url());
        }
        assertRefused(Map.of("SWITCHBOARD_WEBHOOK_URLS", "http://", "SWITCHBOARD_WEBHOOK_SECRET", "0123456789abcdef"), dir,
                "webhooks.urls must be http:// or https:// URLs with a host");
        assertRefused(Map.of("SWITCHBOARD_IMAP_ENABLED", "true", "SWITCHBOARD_IMAP_HOST", "imap.example.com"), dir,
                "email.imap.username is required");

        Files.writeString(dir.resolve("switchboard.yaml"), """
                http:
                  port: 9090
                voice:
                  recontactWindowHours: 0
                """);
        assertRefused(Map.of("SWITCHBOARD_CONFIG_DIR", dir.toString()), dir, ":4: voice.recontactWindowHours");
        Files.writeString(dir.resolve("switchboard.yaml"), "voice:\n  holdContext: ''\n");
        assertRefused(Map.of("SWITCHBOARD_CONFIG_DIR", dir.toString()), dir, "voice.holdContext must be a dialplan context");
        Files.writeString(dir.resolve("switchboard.yaml"), "security:\n  adminKey: [aaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbb]\n");
        assertRefused(Map.of("SWITCHBOARD_CONFIG_DIR", dir.toString()), dir,
                ":2: security.adminKey must be a single value, not a list");
        // a second section replaced the first whole, its port with it
        Files.writeString(dir.resolve("switchboard.yaml"), """
                http:
                  port: 9090
                routing:
                  maxMissedOffers: 3
                http:
                  maxBodyBytes: 2048
                """);
        var twice = assertThrows(io.switchboard.rules.RuleFileException.class,
                () -> ConfigLoader.load(Map.of("SWITCHBOARD_CONFIG_DIR", dir.toString()), dir));
        assertTrue(twice.getMessage().contains(":5: 'http' is written twice in this mapping (first at line 1)"),
                twice.getMessage());
    }

    private static void assertRefused(Map<String, String> env, Path dir, String message) {
        var e = assertThrows(ConfigLoader.ConfigException.class, () -> ConfigLoader.load(env, dir));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
