package io.switchboard.email;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a received message (RFC 5322 + MIME) with Angus Mail. CPU work on the whole message: call it off
 * the event loop. Throws IllegalArgumentException for a message that has no usable sender.
 */
public final class MimeParser {
    /** Body text kept per email; longer bodies are cut. */
    public static final int MAX_TEXT = 100_000;
    /** Attachments listed per email (kept or dropped): a mail of thousands of tiny parts is not a customer's. */
    static final int MAX_ATTACHMENTS = 50;
    private static final Pattern SAFE_TYPE = Pattern.compile("[a-z0-9][a-z0-9.+-]{0,63}/[a-z0-9][a-z0-9.+-]{0,126}");
    private static final String OCTET_STREAM = "application/octet-stream";
    private static final Pattern MESSAGE_ID = Pattern.compile("<([^<>\\s]{1,250})>");

    private final Session session = Session.getInstance(mailProperties());

    /**
     * The message's headers in raw UTF-8 (RFC 6532, as many clients send them) read as UTF-8: by default Angus Mail
     * read them as Latin-1, so "Rechnung März" came out as "Rechnung MÃ¤rz", in the case's subject and the replies too.
     */
    private static Properties mailProperties() {
        Properties properties = new Properties();
        properties.setProperty("mail.mime.allowutf8", "true");
        return properties;
    }

    /**
     * An attachment's name as its sender wrote it. A body part's headers are read as Latin-1 whatever the session says,
     * so raw UTF-8 is decoded here (when the bytes are UTF-8); RFC 2047 words (=?utf-8?Q?...?=, as Gmail and Outlook
     * name attachments) are decoded only under a JVM-wide switch, so here too.
     */
    static String readableName(String name) {
        String readable = name;
        if (name.chars().allMatch(c -> c < 256) && name.chars().anyMatch(c -> c >= 128)) {
            try {
                readable = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                        .decode(java.nio.ByteBuffer.wrap(name.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)))
                        .toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                readable = name; // Latin-1 it was
            }
        }
        if (readable.contains("=?")) {
            try {
                readable = jakarta.mail.internet.MimeUtility.decodeText(readable);
            } catch (java.io.UnsupportedEncodingException e) {
                return readable; // an unknown charset: the name as written
            }
        }
        return readable;
    }
    private final long maxAttachmentBytes;
    private final long maxAttachmentBytesPerMessage;

    /** @param maxAttachmentBytes larger attachments are dropped; so are those past the per-message total */
    public MimeParser(long maxAttachmentBytes, long maxAttachmentBytesPerMessage) {
        this.maxAttachmentBytes = maxAttachmentBytes;
        this.maxAttachmentBytesPerMessage = maxAttachmentBytesPerMessage;
    }

    public InboundEmail parse(byte[] raw) {
        try {
            MimeMessage message = new MimeMessage(session, new ByteArrayInputStream(raw));
            InternetAddress from = sender(message);
            List<String> references = new ArrayList<>();
            ids(message.getHeader("In-Reply-To", " "), references);
            List<String> older = new ArrayList<>();
            ids(message.getHeader("References", " "), older);
            for (int i = older.size() - 1; i >= 0; i--) {
                if (!references.contains(older.get(i))) {
                    references.add(older.get(i));
                }
            }
            List<String> own = new ArrayList<>();
            ids(message.getHeader("Message-ID", " "), own);
            String text = text(message);
            if (text.length() > MAX_TEXT) {
                text = text.substring(0, MAX_TEXT);
            }
            String subject = message.getSubject();
            List<InboundEmail.Attachment> kept = new ArrayList<>();
            List<InboundEmail.Dropped> dropped = new ArrayList<>();
            attachments(message, kept, dropped);
            String sender = from.getAddress().toLowerCase(Locale.ROOT);
            return new InboundEmail(own.isEmpty() ? "" : own.get(0), sender,
                    from.getPersonal() == null ? "" : from.getPersonal(), replyTo(message, sender),
                    subject == null ? "" : subject.strip(),
                    List.copyOf(references), text.strip(),
                    robot(message), kept, dropped);
        } catch (MessagingException | IOException e) {
            throw new IllegalArgumentException("unreadable message: " + e.getMessage(), e);
        }
    }

    /**
     * Whether a robot sent it: RFC 3834's Auto-Submitted when present (auto-replied: an automatic answer; any other
     * value but "no": a notice, which may carry a person's words, as a ticket system's), else the marks older
     * out-of-office responders use (Exchange's X-Auto-Response-Suppress is not one: any mail may carry it).
     */
    private static InboundEmail.Robot robot(MimeMessage message) throws MessagingException {
        String autoSubmitted = message.getHeader("Auto-Submitted", ",");
        if (autoSubmitted != null) {
            String value = autoSubmitted.strip().toLowerCase(Locale.ROOT);
            return value.startsWith("no") ? InboundEmail.Robot.NONE
                    : value.startsWith("auto-replied") ? InboundEmail.Robot.AUTO_REPLY : InboundEmail.Robot.NOTICE;
        }
        String precedence = lower(message.getHeader("Precedence", ","));
        if (precedence.equals("auto_reply") || isYes(message.getHeader("X-Autoreply", ","))
                || isYes(message.getHeader("X-Autorespond", ","))) {
            return InboundEmail.Robot.AUTO_REPLY;
        }
        return precedence.equals("bulk") || precedence.equals("junk") ? InboundEmail.Robot.NOTICE
                : InboundEmail.Robot.NONE;
    }

    private static String lower(String header) {
        return header == null ? "" : header.strip().toLowerCase(Locale.ROOT);
    }

    private static boolean isYes(String header) {
        return List.of("yes", "true", "1").contains(lower(header));
    }

    /** Parts sent as attachments, or named non-text leaves; kept while within the limits, else listed as dropped. */
    private void attachments(Part part, List<InboundEmail.Attachment> kept, List<InboundEmail.Dropped> dropped)
            throws MessagingException, IOException {
        if (part.isMimeType("multipart/*") && part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                attachments(multipart.getBodyPart(i), kept, dropped);
            }
            return;
        }
        String filename = part.getFileName();
        boolean attached = Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())
                || (filename != null && !part.isMimeType("text/plain") && !part.isMimeType("text/html"));
        // the message itself may be the attachment (a scanner's or a fax gateway's one-part mail)
        if (!attached || kept.size() + dropped.size() >= MAX_ATTACHMENTS) {
            return;
        }
        String name = filename == null || filename.isBlank() ? "attachment-" + (kept.size() + dropped.size() + 1)
                : readableName(filename.strip());
        try {
            keep(part, name, kept, dropped);
        } catch (MessagingException | IOException e) {
            // a broken part (bad encoding) costs that attachment, never the mail it came with
            dropped.add(new InboundEmail.Dropped(name, 0, "unreadable: " + e.getMessage()));
        }
    }

    private void keep(Part part, String name, List<InboundEmail.Attachment> kept, List<InboundEmail.Dropped> dropped)
            throws MessagingException, IOException {
        byte[] content = readAtMost(part, maxAttachmentBytes);
        long size = content == null ? sizeOf(part) : content.length;
        long keptBytes = kept.stream().mapToLong(a -> a.content().length).sum();
        if (content == null) {
            dropped.add(new InboundEmail.Dropped(name, size, "larger than email.maxAttachmentBytes ("
                    + maxAttachmentBytes + " bytes)"));
        } else if (keptBytes + size > maxAttachmentBytesPerMessage) {
            dropped.add(new InboundEmail.Dropped(name, size, "over email.maxAttachmentBytesPerMessage ("
                    + maxAttachmentBytesPerMessage + " bytes) with the attachments before it"));
        } else {
            kept.add(new InboundEmail.Attachment(name, contentType(part), content));
        }
    }

    /** The part's base type if it is a plain type/subtype, else application/octet-stream (served back as is). */
    private static String contentType(Part part) {
        try {
            String type = new ContentType(part.getContentType()).getBaseType().toLowerCase(Locale.ROOT);
            return SAFE_TYPE.matcher(type).matches() ? type : OCTET_STREAM;
        } catch (MessagingException e) {
            return OCTET_STREAM;
        }
    }

    /** The decoded content, or null if it is longer than {@code limit}. */
    private static byte[] readAtMost(Part part, long limit) throws MessagingException, IOException {
        try (InputStream in = part.getInputStream()) {
            byte[] content = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            return content.length > limit ? null : content;
        }
    }

    private static long sizeOf(Part part) throws MessagingException, IOException {
        try (InputStream in = part.getInputStream()) {
            return in.transferTo(OutputStream.nullOutputStream());
        }
    }

    /** The first usable Reply-To address, else the sender's: a malformed Reply-To is ignored, not fatal. */
    private static String replyTo(MimeMessage message, String sender) {
        try {
            var addresses = message.getReplyTo();
            if (addresses != null && addresses.length > 0 && addresses[0] instanceof InternetAddress address
                    && address.getAddress() != null && address.getAddress().contains("@")) {
                return address.getAddress().toLowerCase(Locale.ROOT);
            }
        } catch (MessagingException e) {
            // fall through to the sender
        }
        return sender;
    }

    private static InternetAddress sender(MimeMessage message) throws MessagingException {
        var from = message.getFrom();
        if (from == null || from.length == 0 || !(from[0] instanceof InternetAddress address)
                || address.getAddress() == null || !address.getAddress().contains("@")) {
            throw new IllegalArgumentException("the message has no From address");
        }
        return address;
    }

    private static void ids(String header, List<String> out) {
        if (header == null) {
            return;
        }
        Matcher m = MESSAGE_ID.matcher(header);
        while (m.find()) {
            out.add(m.group(1));
        }
    }

    /** The first text/plain part, else the text of the first text/html part ({@link HtmlText}). */
    private static String text(Part part) throws MessagingException, IOException {
        String plain = find(part, "text/plain");
        if (plain != null) {
            return plain;
        }
        String html = find(part, "text/html");
        return html == null ? "" : HtmlText.of(html);
    }

    /**
     * A text part's content; one whose charset Java does not know (unknown-8bit, x-user-defined, none at all) or whose
     * transfer encoding is misspelt is read leniently instead of costing the whole mail: its bytes as UTF-8 when they
     * are that, else as Windows-1252 (what such mail nearly always is).
     */
    private static String readText(Part part) throws MessagingException {
        try {
            return part.getContent() instanceof String s ? s : null;
        } catch (IOException | MessagingException e) {
            byte[] bytes;
            try (InputStream in = decodedOrRaw(part)) {
                bytes = in.readNBytes(MAX_TEXT * 4);
            } catch (IOException unreadable) {
                return null;
            }
            try {
                return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                        .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            } catch (java.nio.charset.CharacterCodingException notUtf8) {
                return new String(bytes, java.nio.charset.Charset.forName("windows-1252"));
            }
        }
    }

    /** The part's bytes with its transfer encoding undone, or as they came when that encoding is unknown. */
    private static InputStream decodedOrRaw(Part part) throws MessagingException, IOException {
        try {
            return part.getInputStream();
        } catch (MessagingException | IOException unknownEncoding) {
            return part instanceof jakarta.mail.internet.MimeBodyPart body ? body.getRawInputStream()
                    : part instanceof MimeMessage message ? message.getRawInputStream() : InputStream.nullInputStream();
        }
    }

    private static String find(Part part, String type) throws MessagingException, IOException {
        if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) {
            return null;
        }
        if (part.isMimeType(type)) {
            return readText(part);
        }
        if (part.isMimeType("multipart/*") && part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                String found = find(child, type);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
