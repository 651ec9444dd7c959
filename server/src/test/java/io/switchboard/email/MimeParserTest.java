package io.switchboard.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        assertEquals("Where is my parcel ?", email.text().replaceAll("\\s+", " ").strip());
        assertEquals("", email.messageId());
        assertEquals(List.of(), email.references());
    }

    @Test
    void aMessageWithoutASenderIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> parse("Subject: anonymous\n\nhi\n"));
    }
}
