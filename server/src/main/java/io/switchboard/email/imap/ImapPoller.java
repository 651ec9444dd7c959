package io.switchboard.email.imap;

import io.switchboard.config.SwitchboardConfig;
import io.switchboard.email.smtp.Envelope;
import io.switchboard.email.smtp.SmtpServer;
import io.switchboard.store.redis.EmailStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.search.FlagTerm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a mailbox over IMAP (Angus Mail) for the email channel. Each poll runs on its own virtual thread,
 * outside Vert.x: the IMAP calls block, and {@code await()} waits for the channel's futures (which complete
 * on their event loops) without holding one. Polls never overlap: the next is timed when one ends. Each unseen message is claimed in Redis (so of several nodes polling one
 * mailbox, one takes it), handed to the same delivery as SMTP mail, then flagged {@code \Seen}; one the
 * channel refuses for good (no sender, too large) is flagged {@code \Seen} and {@code \Flagged} for a
 * person. A node that fails mid-message lets its claim lapse, so the message is taken at least once.
 */
public final class ImapPoller {
    private static final Logger LOG = LoggerFactory.getLogger(ImapPoller.class);
    /** Long enough to take one message; a node dying in it leaves the message to the next poll after this. */
    private static final Duration CLAIM = Duration.ofMinutes(5);
    /** A taken message's claim outlives its \Seen flag being set, in case the flag could not be stored. */
    private static final Duration TAKEN = Duration.ofDays(30);
    private static final int TIMEOUT_MILLIS = 30_000;

    private final Vertx vertx;
    private final SwitchboardConfig.Email.Imap config;
    private final EmailStore store;
    private final Function<Envelope, Future<String>> delivery;
    private final Session session;
    private volatile long timer = -1;
    private volatile boolean stopped;
    private volatile Thread polling;
    private boolean failing;

    /** @param delivery the channel's intake, as for SMTP; an IllegalArgumentException refuses the message for good */
    public ImapPoller(Vertx vertx, SwitchboardConfig.Email.Imap config, EmailStore store,
                      Function<Envelope, Future<String>> delivery) {
        this.vertx = vertx;
        this.config = config;
        this.store = store;
        this.delivery = delivery;
        Properties properties = new Properties();
        String protocol = protocol();
        // peek: reading a message must not mark it seen before the channel has kept it
        properties.put("mail." + protocol + ".peek", "true");
        properties.put("mail." + protocol + ".connectiontimeout", Integer.toString(TIMEOUT_MILLIS));
        properties.put("mail." + protocol + ".timeout", Integer.toString(TIMEOUT_MILLIS));
        this.session = Session.getInstance(properties);
    }

    public void start() {
        schedule();
    }

    /** No poll starts after this; one under way is interrupted (its message's claim lapses, it is retaken). */
    public void stop() {
        stopped = true;
        vertx.cancelTimer(timer);
        Thread running = polling;
        if (running != null) {
            running.interrupt();
        }
    }

    private void schedule() {
        if (!stopped) {
            timer = vertx.setTimer(config.poll().toMillis(),
                    id -> polling = Thread.ofVirtual().name("imap-poll").start(this::pollOnce));
        }
    }

    private void pollOnce() {
        try {
            poll();
            if (failing) {
                LOG.info("IMAP mailbox {}@{} readable again", config.folder(), config.host());
                failing = false;
            }
        } catch (Exception e) {
            // one warning per outage, not one per poll (await() rethrows an interrupt as is, hence Exception)
            if (!failing && !stopped) {
                LOG.warn("IMAP mailbox {}@{} not read: {}", config.folder(), config.host(), e.getMessage());
                failing = true;
            }
        } finally {
            polling = null;
            schedule();
        }
    }

    private void poll() throws MessagingException {
        Store mailbox = session.getStore(protocol());
        mailbox.connect(config.host(), config.port(), config.username(), config.password());
        try {
            Folder folder = mailbox.getFolder(config.folder());
            folder.open(Folder.READ_WRITE);
            try {
                UIDFolder uids = (UIDFolder) folder;
                String validity = Long.toString(uids.getUIDValidity());
                for (Message message : folder.search(new FlagTerm(new Flags(Flags.Flag.SEEN), false))) {
                    take(message, validity, uids.getUID(message));
                }
            } finally {
                folder.close(false);
            }
        } finally {
            mailbox.close();
        }
    }

    private void take(Message message, String validity, long uid) throws MessagingException {
        if (!store.claim(validity, uid, CLAIM).await()) {
            return;   // another node has it
        }
        try {
            if (message.getSize() > SmtpServer.DEFAULT_MAX_MESSAGE_BYTES) {
                throw new IllegalArgumentException("larger than " + SmtpServer.DEFAULT_MAX_MESSAGE_BYTES + " bytes");
            }
            delivery.apply(new Envelope(returnPath(message), List.of(config.username()), raw(message))).await();
        } catch (IllegalArgumentException e) {
            LOG.warn("IMAP message {} refused and flagged for a person: {}", uid, e.getMessage());
            store.keepClaim(validity, uid, TAKEN).await();
            message.setFlags(new Flags(Flags.Flag.FLAGGED), true);
            message.setFlag(Flags.Flag.SEEN, true);
            return;
        } catch (MessagingException e) {
            store.releaseClaim(validity, uid).await();
            throw e; // the mailbox: the next poll reads it again
        } catch (RuntimeException e) {
            // this message could not be kept now: the next poll tries it again, and the messages after it go on
            LOG.warn("IMAP message {} not taken, tried again at the next poll: {}", uid, e.getMessage());
            store.releaseClaim(validity, uid).await();
            return;
        }
        // taken: the claim is kept before the flag, so a \Seen that cannot be stored (the connection dropped) does not
        // make the next poll take the message again
        store.keepClaim(validity, uid, TAKEN).await();
        message.setFlag(Flags.Flag.SEEN, true);
    }

    /**
     * The envelope sender, as the delivering server wrote it in {@code Return-Path}: empty for a bounce
     * ({@code <>}), which is never answered; null when the header is missing.
     */
    private static String returnPath(Message message) throws MessagingException {
        String[] header = message.getHeader("Return-Path");
        if (header == null || header.length == 0) {
            return null;
        }
        String path = header[0].strip();
        return path.startsWith("<") && path.endsWith(">") ? path.substring(1, path.length() - 1).strip() : path;
    }

    private static byte[] raw(Message message) throws MessagingException {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(message.getSize(), 1024));
            message.writeTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new MessagingException("message not read: " + e.getMessage(), e);
        }
    }

    private String protocol() {
        return config.ssl() ? "imaps" : "imap";
    }
}
