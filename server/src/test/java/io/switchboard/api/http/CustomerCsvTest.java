package io.switchboard.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.engine.CustomerService.Contact;
import java.util.List;
import org.junit.jupiter.api.Test;

class CustomerCsvTest {
    @Test
    void readsQuotedFieldsListsAndAnyLineEnding() {
        List<Contact> contacts = CustomerCsv.parse("id,name,tier,lifetimeValue,phones,emails,language\r\n"
                + "c-1,\"Lovelace, Ada\",Gold,1200.5,+1 555 0100;+1 555 0101,ada@example.com,en\n"
                + ",\"Bob \"\"the builder\"\"\",,,,bob@example.com; bob@work.example,\n");
        assertEquals(List.of(
                new Contact("c-1", "Lovelace, Ada", "gold", 1200.5, List.of("+1 555 0100", "+1 555 0101"),
                        List.of("ada@example.com"), "en"),
                new Contact("", "Bob \"the builder\"", "", 0, List.of(), List.of("bob@example.com", "bob@work.example"),
                        "")), contacts);
    }

    @Test
    void columnsMayComeInAnyOrderAndAQuotedFieldMaySpanLines() {
        List<Contact> contacts = CustomerCsv.parse("emails,name\n\"a@example.com\",\"Ann\nSmith\"");
        assertEquals("Ann\nSmith", contacts.get(0).name());
        assertEquals(List.of("a@example.com"), contacts.get(0).emails());
    }

    @Test
    void errorsNameTheRow() {
        assertEquals("CSV row 1: unknown column 'fax'; expected id,name,tier,lifetimeValue,phones,emails,language",
                assertThrows(IllegalArgumentException.class, () -> CustomerCsv.parse("name,fax\nAnn,1")).getMessage());
        assertEquals("CSV row 3: 3 fields, the header has 2",
                assertThrows(IllegalArgumentException.class, () -> CustomerCsv.parse("id,name\na,Ann\nb,Bob,x"))
                        .getMessage());
        assertEquals("CSV row 2: lifetimeValue 'lots' is not a number", assertThrows(IllegalArgumentException.class,
                () -> CustomerCsv.parse("name,lifetimeValue\nAnn,lots")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> CustomerCsv.parse("name\n\"open"));
        assertThrows(IllegalArgumentException.class, () -> CustomerCsv.parse("id,tier\nx,gold"));
    }
}
