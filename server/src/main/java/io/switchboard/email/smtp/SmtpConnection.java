package io.switchboard.email.smtp;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.parsetools.RecordParser;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One SMTP session (RFC 5321 section 4): greeting, EHLO/HELO, MAIL, RCPT, DATA (dot-stuffed, ended by a
 * lone "."), RSET, NOOP, VRFY, QUIT, and STARTTLS (RFC 3207) when the listener has a certificate. Runs on the
 * socket's event loop; input is paused while a message is being stored, so replies keep the order of the commands
 * (pipelining clients are served correctly). No AUTH: it takes mail for the addresses of email.acceptRecipients.
 */
final class SmtpConnection {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SmtpConnection.class);
    /** RFC 5321 4.5.3.1.4: a command line is at most 512 octets; text lines are allowed more here. */
    private static final int MAX_LINE = 64 * 1024;
    private static final int MAX_RECIPIENTS = 100;
    /** What a client may say before STARTTLS when TLS is required (RFC 3207 section 4). */
    private static final java.util.Set<String> BEFORE_TLS = java.util.Set.of("EHLO", "HELO", "STAR", "NOOP", "QUIT", "RSET");

    private final NetSocket socket;
    private final String hostname;
    private final long maxMessageBytes;
    private final Function<Envelope, Future<String>> delivery;
    private final Predicate<String> accepts;
    private final ServerSSLOptions tls;
    private final boolean tlsRequired;
    private RecordParser parser;
    /** From STARTTLS to the upgrade: lines the client sent in the clear after it are dropped (RFC 3207 s. 4.2). */
    private boolean upgrading;
    /** A message was taken on this connection: STARTTLS is refused from then on (see startTls). */
    private boolean transacted;

    private boolean greeted;
    private String mailFrom;
    private final List<String> recipients = new ArrayList<>();
    private ByteArrayOutputStream data;
    private boolean tooBig;
    /** The last line ended with CRLF: only then can a "." line end the data (see dataLine). */
    private boolean afterCrlf;
    /** The message has a line ended by a bare LF: refused when the data ends (see dataLine). */
    private boolean bareLf;

    SmtpConnection(NetSocket socket, String hostname, long maxMessageBytes, Predicate<String> accepts,
                   ServerSSLOptions tls, boolean tlsRequired, Function<Envelope, Future<String>> delivery) {
        this.socket = socket;
        this.hostname = hostname;
        this.maxMessageBytes = maxMessageBytes;
        this.accepts = accepts;
        this.tls = tls;
        this.tlsRequired = tlsRequired;
        this.delivery = delivery;
    }

    void start() {
        parser = lines();
        reply("220 " + hostname + " Switchboard ESMTP");
    }

    /** A line reader on the socket (a new one after STARTTLS: nothing read in the clear is kept). */
    private RecordParser lines() {
        RecordParser lines = RecordParser.newDelimited("\n", socket);
        lines.maxRecordSize(MAX_LINE);
        lines.exceptionHandler(e -> {
            reply("500 5.5.2 line too long");
            socket.close();
        });
        // a reader replaced by STARTTLS reads nothing more, whatever it still holds
        lines.handler(record -> {
            if (lines == parser) {
                line(record);
            }
        });
        return lines;
    }

    private void line(Buffer buffer) {
        if (upgrading) {
            return;
        }
        byte[] bytes = buffer.getBytes();
        boolean crlf = bytes.length > 0 && bytes[bytes.length - 1] == '\r';
        int length = crlf ? bytes.length - 1 : bytes.length;
        if (data != null) {
            dataLine(bytes, length, crlf);
        } else {
            afterCrlf = crlf;
            command(new String(bytes, 0, length, StandardCharsets.US_ASCII));
        }
    }

    private void command(String line) {
        String verb = (line.length() >= 4 ? line.substring(0, 4) : line).toUpperCase(Locale.ROOT);
        String argument = line.length() > 4 ? line.substring(4).strip() : "";
        if (tlsRequired && !socket.isSsl() && !BEFORE_TLS.contains(verb)) {
            reply("530 5.7.0 Must issue a STARTTLS command first"); // RFC 3207 section 4
            return;
        }
        switch (verb) {
            case "EHLO" -> {
                greeted = true;
                reset();
                reply("250-" + hostname + "\r\n250-SIZE " + maxMessageBytes + "\r\n250-8BITMIME"
                        + (tls != null && !socket.isSsl() ? "\r\n250-STARTTLS" : "") + "\r\n250 PIPELINING");
            }
            case "STAR" -> startTls(line);
            case "HELO" -> {
                greeted = true;
                reset();
                reply("250 " + hostname);
            }
            case "MAIL" -> mail(argument);
            case "RCPT" -> rcpt(argument);
            case "DATA" -> {
                if (recipients.isEmpty()) {
                    reply("503 5.5.1 RCPT first");
                } else {
                    data = new ByteArrayOutputStream();
                    tooBig = false;
                    bareLf = false;
                    reply("354 End data with <CR><LF>.<CR><LF>");
                }
            }
            case "RSET" -> {
                reset();
                reply("250 2.0.0 OK");
            }
            case "NOOP" -> reply("250 2.0.0 OK");
            case "VRFY" -> reply("252 2.5.0 Cannot VRFY, but will accept the message");
            case "QUIT" -> {
                reply("221 2.0.0 Bye");
                socket.close();
            }
            default -> reply("500 5.5.2 Command not recognized");
        }
    }

    /**
     * RFC 3207: 220, then the handshake; the session starts over (the client greets again) and nothing the client
     * sent in the clear after the command is read (it could not have come from the client TLS then protects).
     */
    private void startTls(String line) {
        if (!line.equalsIgnoreCase("STARTTLS")) {
            reply("501 5.5.4 Syntax: STARTTLS");
        } else if (tls == null) {
            reply("454 4.7.0 TLS not available");
        } else if (socket.isSsl()) {
            reply("503 5.5.1 TLS already active");
        } else if (transacted || mailFrom != null) {
            // after a delivery the reader resumes outside a network read, where lines the client pipelined in the clear
            // behind STARTTLS could reach the TLS session; senders ask for TLS right after EHLO anyway
            reply("503 5.5.1 STARTTLS only before the first mail transaction");
        } else {
            upgrading = true; // what follows in this read is dropped, and with the old reader what it held
            socket.write("220 2.0.0 Ready to start TLS\r\n").compose(v -> {
                parser = lines();
                upgrading = false;
                greeted = false;
                reset();
                return socket.upgradeToSsl(tls);
            }).onFailure(e -> {
                LOG.warn("STARTTLS with {} failed: {}", socket.remoteAddress(), e.getMessage());
                socket.close();
            });
        }
    }

    private void mail(String argument) {
        if (!greeted) {
            reply("503 5.5.1 EHLO first");
        } else if (mailFrom != null) {
            reply("503 5.5.1 Sender already given");
        } else if (!argument.toUpperCase(Locale.ROOT).startsWith("FROM:")) {
            reply("501 5.5.4 Syntax: MAIL FROM:<address>");
        } else {
            String[] parts = argument.substring(5).strip().split("\\s+");
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].toUpperCase(Locale.ROOT);
                if (p.startsWith("SIZE=") && parseSize(p.substring(5)) > maxMessageBytes) {
                    reply("552 5.3.4 Message size exceeds fixed limit");
                    return;
                }
            }
            mailFrom = path(parts[0]);
            reply("250 2.1.0 OK");
        }
    }

    private void rcpt(String argument) {
        if (mailFrom == null) {
            reply("503 5.5.1 MAIL first");
        } else if (!argument.toUpperCase(Locale.ROOT).startsWith("TO:")) {
            reply("501 5.5.4 Syntax: RCPT TO:<address>");
        } else if (recipients.size() >= MAX_RECIPIENTS) {
            reply("452 4.5.3 Too many recipients");
        } else {
            String recipient = path(argument.substring(3).strip().split("\\s+")[0]);
            if (!accepts.test(recipient)) {
                reply("550 5.1.1 <" + recipient + ">: not a mailbox of this service");
                return;
            }
            recipients.add(recipient);
            reply("250 2.1.5 OK");
        }
    }

    /**
     * One line of the message. Only {@code <CRLF>.<CRLF>} ends it (RFC 5321 4.1.1.4): a "." line next to a bare LF
     * does not, else a relay that passes bare LFs through would let a sender smuggle a second message, with another
     * envelope and From, past the relay's checks (SMTP smuggling). A message with a bare LF is refused whole once its
     * data ends, as Postfix does: none of it is taken.
     */
    private void dataLine(byte[] bytes, int length, boolean crlf) {
        boolean ends = length == 1 && bytes[0] == '.' && crlf && afterCrlf;
        afterCrlf = crlf;
        if (ends) {
            endOfData();
            return;
        }
        bareLf |= !crlf;
        int start = length > 0 && bytes[0] == '.' ? 1 : 0;   // dot-stuffing (RFC 5321 4.5.2)
        if (data.size() + length - start + 2 > maxMessageBytes) {
            tooBig = true;
            return;
        }
        data.write(bytes, start, length - start);
        data.write('\r');
        data.write('\n');
    }

    private void endOfData() {
        byte[] message = data.toByteArray();
        data = null;
        if (tooBig) {
            reset();
            reply("552 5.3.4 Message size exceeds fixed limit");
            return;
        }
        if (bareLf) {
            reset();
            reply("554 5.6.11 Bare LF in the message: lines must end with CRLF (RFC 5321 section 2.3.8)");
            return;
        }
        Envelope envelope = new Envelope(mailFrom, recipients, message);
        reset();
        transacted = true;
        parser.pause();
        delivery.apply(envelope).onComplete(ar -> {
            if (ar.succeeded()) {
                reply("250 2.0.0 OK queued as " + ar.result());
            } else if (ar.cause() instanceof IllegalArgumentException e) {
                reply("554 5.6.0 " + oneLine(e.getMessage()));
            } else {
                reply("451 4.3.0 Temporary failure, try again later");
            }
            parser.resume();
        });
    }

    private void reset() {
        mailFrom = null;
        recipients.clear();
    }

    private void reply(String text) {
        socket.write(text + "\r\n");
    }

    private static String path(String value) {
        String v = value.strip();
        return v.startsWith("<") && v.endsWith(">") ? v.substring(1, v.length() - 1) : v;
    }

    private static long parseSize(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String oneLine(String text) {
        return text == null ? "rejected" : text.replaceAll("[\\r\\n]+", " ");
    }
}
