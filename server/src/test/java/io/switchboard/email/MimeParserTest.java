package io.switchboard.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MimeParserTest {
    private final MimeParser parser = new MimeParser(1 << 20, 2 << 20);

    private InboundEmail parse(String message) {
        return parser.parse(message.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsSenderSubjectIdsAndThePlainTextOfAMultipartMessage() {
        InboundEmail email = parse("""
                From: =?UTF-8?Q?Ad=C3=A1_Lovelace?= <Ada@Example.com>
                To: support@switchboard.example
                Subject: =?UTF-8?Q?Re:_Factura_duplicada_[#C-10001]?=
                Message-ID: <m2@mail.example.com>
                In-Reply-To: <m1@switchboard.example>
                References: <m0@mail.example.com> <m1@switchboard.example>
                MIME-Version: 1.0
                Content-Type: multipart/alternative; boundary="b1"

                --b1
                Content-Type: text/plain; charset=UTF-8
                Content-Transfer-Encoding: quoted-printable

                Me cobraron dos veces =E2=80=94 gracias.
                --b1
                Content-Type: text/html; charset=UTF-8

                <p>Me cobraron dos veces</p>
                --b1--
                """);
        assertEquals("ada@example.com", email.from());
        assertEquals("Adá Lovelace", email.fromName());
        assertEquals("Re: Factura duplicada [#C-10001]", email.subject());
        assertEquals("m2@mail.example.com", email.messageId());
        assertEquals(List.of("m1@switchboard.example", "m0@mail.example.com"), email.references());
        assertEquals("Me cobraron dos veces — gracias.", email.text());
    }

    @Test
    void anHtmlOnlyMessageIsReadWithoutItsTags() {
        InboundEmail email = parse("""
                From: bob@example.com
                Subject: Hello
                Content-Type: text/html; charset=UTF-8

                <html><style>p{}</style><body><p>Where is <b>my parcel</b>?</p></body></html>
                """);
        assertEquals("Where is my parcel?", email.text());
        assertEquals("", email.messageId());
        assertEquals(List.of(), email.references());
    }

    /**
     * An HTML-only mail (a web form's, some mail apps') reads as a plain-text one would: entities decoded, a line per
     * paragraph, line break and list item, links with their address, nothing of the head or of scripts.
     */
    @Test
    void anHtmlOnlyMessageKeepsItsLinesAndEntities() {
        InboundEmail email = parse("""
                From: bob@example.com
                Subject: Order
                Content-Type: text/html; charset=UTF-8

                <html><head><title>Order</title></head><body>
                <div>Hello&nbsp;team,</div><div><br></div>
                <p>My order&nbsp;#1234 from Caf&eacute; &amp; Co   arrived   <i>broken</i>:</p>
                <ul><li>one cup</li><li>two &lt;plates&gt;</li></ul>
                <table><tr><th>Item</th><th>Qty</th></tr><tr><td>cup</td><td>2</td></tr></table>
                <p>Photos: <a href="https://photos.example/x">here</a><br>Call me on 0123&#8239;456.</p>
                <script>alert(1)</script>
                </body></html>
                """);
        assertEquals("""
                Hello team,

                My order #1234 from Café & Co arrived broken:

                - one cup
                - two <plates>
                Item | Qty
                cup | 2
                Photos: here <https://photos.example/x>
                Call me on 0123\u202f456.""", email.text());
    }

    /**
     * A charset Java does not know, or a misspelt transfer encoding, costs nothing: the text is read as UTF-8 when it is
     * that, else as Windows-1252; the mail is kept.
     */
    @Test
    void anUnknownCharsetOrTransferEncodingIsReadLeniently() {
        InboundEmail unknown = parser.parse(("From: a@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=unknown-8bit\r\n\r\nCaf\u00e9 au lait\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("Caf\u00e9 au lait", unknown.text());
        InboundEmail utf8 = parser.parse(("From: a@example.com\r\nSubject: x\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\n"
                + "Content-Type: text/plain; charset=x-user-defined\r\nContent-Transfer-Encoding: 8-bit\r\n\r\n"
                + "Gr\u00fc\u00dfe\r\n--b--\r\n").getBytes(StandardCharsets.UTF_8));
        assertEquals("Gr\u00fc\u00dfe", utf8.text());
    }

    /** A scanner's mail: the whole message is one PDF, kept as the attachment it is. */
    @Test
    void aOnePartMessageThatIsAnAttachmentKeepsIt() {
        InboundEmail email = parse("""
                From: scanner@example.com
                Subject: Scan
                MIME-Version: 1.0
                Content-Type: application/pdf; name=scan.pdf
                Content-Disposition: attachment; filename=scan.pdf
                Content-Transfer-Encoding: base64

                JVBERi0xLjQK
                """);
        assertEquals(1, email.attachments().size(), email.dropped().toString());
        assertEquals("scan.pdf", email.attachments().get(0).filename());
        assertEquals("%PDF-1.4\n", new String(email.attachments().get(0).content(), StandardCharsets.US_ASCII));
        assertEquals("", email.text());
    }

    /** Names as Gmail and Outlook write them (RFC 2047 words), and raw UTF-8 headers (RFC 6532), read as meant. */
    @Test
    void encodedAttachmentNamesAndRawUtf8HeadersAreDecoded() {
        InboundEmail email = parse("""
                From: kunde@example.de
                Subject: Rechnung März
                MIME-Version: 1.0
                Content-Type: multipart/mixed; boundary="b"

                --b
                Content-Type: text/plain; charset=UTF-8

                Anbei.
                --b
                Content-Type: application/pdf
                Content-Disposition: attachment; filename="=?utf-8?Q?Rechnung_M=C3=A4rz.pdf?="
                Content-Transfer-Encoding: base64

                JVBERi0xLjQK
                --b
                Content-Type: text/plain
                Content-Disposition: attachment; filename="rép ort.txt"

                x
                --b--
                """);
        assertEquals("Rechnung März", email.subject());
        assertEquals(List.of("Rechnung März.pdf", "rép ort.txt"),
                email.attachments().stream().map(InboundEmail.Attachment::filename).toList());
    }

    @Test
    void aMessageWithoutASenderIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> parse("Subject: anonymous\n\nhi\n"));
    }

    @Test
    void attachmentsAreKeptUntilTheMessageTotalAndABrokenOneCostsOnlyItself() {
        MimeParser small = new MimeParser(10, 15);
        InboundEmail email = small.parse("""
                From: ada@example.com
                Subject: Files
                Auto-Submitted: auto-replied
                Content-Type: multipart/mixed; boundary="b1"

                --b1
                Content-Type: text/plain

                See attached.
                --b1
                Content-Type: image/png; name="a.png"
                Content-Disposition: attachment; filename="a.png"

                12345678
                --b1
                Content-Type: bogus type!; name="b.bin"
                Content-Disposition: attachment; filename="b.bin"

                1234
                --b1
                Content-Type: text/plain; name="c.txt"
                Content-Disposition: attachment; filename="c.txt"

                123456
                --b1--
                """.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
        assertEquals("See attached.", email.text());
        assertTrue(email.automatic());
        assertEquals(List.of("a.png image/png 8", "b.bin application/octet-stream 4"), email.attachments().stream()
                .map(a -> a.filename() + " " + a.contentType() + " " + a.content().length).toList());
        assertEquals(List.of("c.txt 6"), email.dropped().stream().map(d -> d.filename() + " " + d.size()).toList());
        assertTrue(email.dropped().get(0).reason().contains("email.maxAttachmentBytesPerMessage"));
    }

    /**
     * Out-of-office answers (Auto-Submitted: auto-replied, or the older marks) are auto-replies; a robot's notice
     * (auto-generated, Precedence: bulk) is automatic but may carry a person's words; an explicit "no" wins.
     */
    @Test
    void autoRepliesAreToldFromOtherRobotsMail() {
        String head = "From: ada@example.com\nTo: support@example.com\nSubject: Away\n";
        assertEquals(InboundEmail.Robot.AUTO_REPLY, parse(head + "Auto-Submitted: auto-replied\n\nAway.\n").robot());
        assertEquals(InboundEmail.Robot.AUTO_REPLY, parse(head + "Precedence: auto_reply\n\nAway.\n").robot());
        assertEquals(InboundEmail.Robot.AUTO_REPLY, parse(head + "X-Autoreply: yes\n\nAway.\n").robot());
        assertEquals(InboundEmail.Robot.NOTICE, parse(head + "Auto-Submitted: auto-generated\n\nA comment.\n").robot());
        assertEquals(InboundEmail.Robot.NOTICE, parse(head + "Precedence: bulk\n\nNews.\n").robot());
        assertEquals(InboundEmail.Robot.NONE, parse(head + "Auto-Submitted: no\nPrecedence: bulk\n\nA person.\n").robot());
        assertEquals(InboundEmail.Robot.NONE, parse(head + "Precedence: list\n\nThrough a list.\n").robot());
        assertEquals(InboundEmail.Robot.NONE, parse(head + "X-Autoreply: no\n\nA person.\n").robot());
        assertFalse(parse(head + "\nA person.\n").automatic());
    }
}
