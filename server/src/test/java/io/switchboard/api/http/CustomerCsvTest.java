package io.switchboard.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.switchboard.engine.CustomerService.Contact;
import java.util.List;
import org.junit.jupiter.api.Test;

class CustomerCsvTest {
    @Test
    void readsQuotedFieldsListsAndAnyLineEnding() {
        List<Contact> contacts = contacts("id,name,tier,lifetimeValue,phones,emails,language\r\n"
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
        List<Contact> contacts = contacts("emails,name\n\"a@example.com\",\"Ann\nSmith\"");
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
        assertEquals("CSV row 3: name is empty", assertThrows(IllegalArgumentException.class,
                () -> CustomerCsv.parse("id,name\na,Ann\nb,")).getMessage(), "a blank name would wipe the customer's");
        for (String value : List.of("12d", "NaN", "Infinity", "0x1p3")) {
            assertEquals("CSV row 2: lifetimeValue '" + value + "' is not a number", assertThrows(
                    IllegalArgumentException.class, () -> CustomerCsv.parse("name,lifetimeValue\nAnn," + value))
                    .getMessage(), "Java's number syntax is not a spreadsheet's");
        }
        assertEquals("CSV row 2: lifetimeValue must be a number from 0 up", assertThrows(IllegalArgumentException.class,
                () -> CustomerCsv.parse("name,lifetimeValue\nAnn,1e400")).getMessage());
    }

    /** Excel's "CSV UTF-8" starts with a byte order mark; blank rows keep the numbers of the rows after them. */
    @Test
    void aByteOrderMarkIsNoPartOfTheFirstColumnAndRowsKeepTheirNumbers() {
        List<CustomerCsv.Row> rows = CustomerCsv.parse("\uFEFFid,name\r\na,Ann\r\n\r\nb,Bob\r\n");
        assertEquals(List.of(2, 4), rows.stream().map(CustomerCsv.Row::line).toList());
        assertEquals("a", rows.get(0).contact().id());
        assertEquals("CSV: no header; expected id,name,tier,lifetimeValue,phones,emails,language",
                assertThrows(IllegalArgumentException.class, () -> CustomerCsv.parse("")).getMessage());
    }

    private static List<Contact> contacts(String csv) {
        return CustomerCsv.parse(csv).stream().map(CustomerCsv.Row::contact).toList();
    }
}
