package io.switchboard.api.http;

import io.switchboard.engine.CustomerService.Contact;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Customer import as CSV (RFC 4180: quoted fields, doubled quotes, CRLF or LF): a header naming the
 * columns {@value #COLUMNS} in any order (only {@code name} is required), then one contact a row; phones
 * and emails are {@code ;}-separated. Errors name the row (the header is row 1), so a 10,000-row file can be fixed.
 */
final class CustomerCsv {
    static final String COLUMNS = "id,name,tier,lifetimeValue,phones,emails,language";
    private static final List<String> KNOWN = List.of(COLUMNS.split(","));

    private CustomerCsv() {
    }

    /** A contact and the row it came from (the header is row 1; blank rows are skipped, not renumbered). */
    record Row(int line, Contact contact) {
    }

    static List<Row> parse(String text) {
        // a spreadsheet's "CSV UTF-8" starts with a byte order mark, which is no part of the first column's name
        List<List<String>> rows = records(text == null ? "" : text.startsWith("\uFEFF") ? text.substring(1) : text);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("CSV: no header; expected " + COLUMNS);
        }
        List<String> header = rows.get(0).stream().map(String::strip).toList();
        for (String column : header) {
            if (!KNOWN.contains(column)) {
                throw new IllegalArgumentException("CSV row 1: unknown column '" + column + "'; expected " + COLUMNS);
            }
        }
        if (!header.contains("name")) {
            throw new IllegalArgumentException("CSV row 1: the 'name' column is required");
        }
        List<Row> contacts = new ArrayList<>();
        for (int r = 1; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (row.size() == 1 && row.get(0).isBlank()) {
                continue;
            }
            int line = r + 1;
            if (row.size() != header.size()) {
                throw new IllegalArgumentException("CSV row " + line + ": " + row.size() + " fields, the header has "
                        + header.size());
            }
            contacts.add(new Row(line, contact(header, row, line)));
        }
        return contacts;
    }

    private static Contact contact(List<String> header, List<String> row, int line) {
        String[] v = new String[KNOWN.size()];
        Arrays.fill(v, "");
        for (int i = 0; i < header.size(); i++) {
            v[KNOWN.indexOf(header.get(i))] = row.get(i).strip();
        }
        if (v[1].isEmpty()) { // a matched customer is replaced by the row: a blank name would wipe the one it had
            throw new IllegalArgumentException("CSV row " + line + ": name is empty");
        }
        double value;
        try { // as written in a spreadsheet: not Java's "12d", "NaN" or "Infinity"
            value = v[3].isEmpty() ? 0 : new java.math.BigDecimal(v[3]).doubleValue();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("CSV row " + line + ": lifetimeValue '" + v[3] + "' is not a number");
        }
        if (!v[0].isEmpty() && !io.switchboard.routing.Ids.isValid(v[0])) {
            throw new IllegalArgumentException("CSV row " + line + ": id must be 1-64 letters, digits, '-', '_' or '.'");
        }
        if (value < 0 || Double.isInfinite(value)) {
            throw new IllegalArgumentException("CSV row " + line + ": lifetimeValue must be a number from 0 up");
        }
        return new Contact(v[0], v[1], v[2].toLowerCase(Locale.ROOT), value,
                list(v[4], line, CustomerJson::isPhone, "a phone number"),
                list(v[5], line, CustomerJson::isEmail, "an email address"), v[6]);
    }

    /** A ;-separated list, each item checked as the JSON import checks it. */
    private static List<String> list(String field, int line, java.util.function.Predicate<String> valid, String what) {
        List<String> items = Arrays.stream(field.split(";")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        items.stream().filter(valid.negate()).findFirst().ifPresent(bad -> {
            throw new IllegalArgumentException("CSV row " + line + ": '" + bad + "' is not " + what);
        });
        return items;
    }

    /** Splits into records of fields; a quoted field may hold commas, quotes ("") and line breaks. */
    static List<List<String>> records(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            any = true;
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                any = false;
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("CSV: a quoted field is not closed");
        }
        if (any) {
            row.add(field.toString());
            rows.add(row);
        }
        return rows;
    }
}
