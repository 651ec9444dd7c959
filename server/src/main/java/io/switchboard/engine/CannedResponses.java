package io.switchboard.engine;

import io.switchboard.store.redis.RoutingStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Canned responses (Chatwoot's, Zammad's text modules): texts an agent inserts into a chat or an email reply instead
 * of typing them again, kept for the whole floor in one Redis hash by a short code and edited by staff. Placeholders
 * are filled for the contact the agent works on: {customer} (the customer's name), {agent} (the agent's), {case}
 * (the contact's case number). Any other {word} is refused when saved, so a typo never reaches a customer.
 */
public final class CannedResponses {
    public static final int MAX_TITLE = 100;
    /** Below a chat message's 4,000 characters, so that a response with a name filled in can still be sent. */
    public static final int MAX_TEXT = 3500;
    /** Every desktop reads them all for each contact it opens: at most 200 x 3,500 characters. */
    public static final int MAX_RESPONSES = 200;
    private static final Pattern CODE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_]+)}");
    /** Anything in braces that looks meant as a placeholder ({case1}, { customer }): checked when saved. */
    private static final Pattern BRACED = Pattern.compile("\\{([^{}\\n]{1,40})}");
    private static final Set<String> PLACEHOLDERS = Set.of("customer", "agent", "case");

    private final RoutingStore store;
    private final RoutingEngine engine;
    private final CaseService cases;

    public CannedResponses(RoutingStore store, RoutingEngine engine, CaseService cases) {
        this.store = store;
        this.engine = engine;
        this.cases = cases;
    }

    /** Every response ({code, title, text}), by code. */
    public Future<List<JsonObject>> all() {
        return store.hash(key()).map(hash -> hash.values().stream().map(JsonObject::new)
                .sorted(Comparator.comparing(r -> r.getString("code"))).toList());
    }

    /** Creates or replaces one; 400 with the reason for a bad code, title, text or placeholder. */
    public Future<JsonObject> save(String code, String title, String text) {
        if (code == null || !CODE.matcher(code).matches()) {
            return Future.failedFuture(ApiException.badRequest(
                    "a code is 1-32 lower-case letters, digits, - or _, starting with a letter or digit"));
        }
        if (title == null || title.isBlank() || title.length() > MAX_TITLE || title.codePoints().anyMatch(c -> hidden(c, false))) {
            return Future.failedFuture(ApiException.badRequest("'title' is required: one line of at most " + MAX_TITLE
                    + " characters"));
        }
        if (text == null || text.isBlank() || text.length() > MAX_TEXT || text.codePoints().anyMatch(c -> hidden(c, true))) {
            return Future.failedFuture(ApiException.badRequest("'text' is required: at most " + MAX_TEXT
                    + " characters, no control characters but line breaks and tabs"));
        }
        Matcher m = BRACED.matcher(text);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                return Future.failedFuture(ApiException.badRequest("unknown placeholder {" + m.group(1)
                        + "}: use {customer}, {agent} or {case}"));
            }
        }
        JsonObject response = new JsonObject().put("code", code).put("title", title.strip()).put("text", text);
        return store.hsetWithin(key(), code, response.encode(), MAX_RESPONSES).compose(saved -> saved
                ? Future.succeededFuture(response)
                : Future.failedFuture(ApiException.conflict("there are " + MAX_RESPONSES
                        + " responses already: delete one first")));
    }

    /**
     * Characters that would hide or garble what an agent reads or a customer receives: control characters (a text may
     * keep its line breaks and tabs), and invisible formatting ones (bidirectional overrides, line separators).
     */
    private static boolean hidden(int c, boolean lines) {
        if (lines && (c == '\n' || c == '\r' || c == '\t')) {
            return false;
        }
        int type = Character.getType(c);
        return Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }

    /** False when there was none by that code. */
    public Future<Boolean> delete(String code) {
        return store.hdel(key(), code);
    }

    /** Every response with its placeholders filled for this contact (its customer, its agent, its case). */
    public Future<List<JsonObject>> forContact(JsonObject interaction) {
        String agentId = interaction.getString("agentId");
        Future<String> customer = customerName(interaction);
        Future<String> agent = agentId == null ? Future.succeededFuture("")
                : store.hget(store.keys().agent(agentId), "name").map(n -> n == null || n.isBlank() ? agentId : n);
        Future<String> caseId = cases.caseOf(interaction.getString("id")).map(c -> c == null ? "" : c);
        return Future.all(all(), customer, agent, caseId).map(f -> {
            Map<String, String> values = Map.of("customer", f.resultAt(1), "agent", f.resultAt(2), "case", f.resultAt(3));
            return f.<List<JsonObject>>resultAt(0).stream()
                    .map(r -> r.copy().put("text", render(r.getString("text"), values))).toList();
        });
    }

    /** What the customer called themselves on this contact (the chat form), else the name on their record. */
    private Future<String> customerName(JsonObject interaction) {
        JsonObject attributes = interaction.getJsonObject("attributes", new JsonObject());
        if (attributes.getValue("customerName") instanceof String name && !name.isBlank()) {
            return Future.succeededFuture(name);
        }
        String customerId = interaction.getString("customerId");
        return customerId == null ? Future.succeededFuture("")
                : engine.customer(customerId).map(c -> c.name() == null ? "" : c.name()).otherwise("");
    }

    static String render(String text, Map<String, String> values) {
        return PLACEHOLDER.matcher(text).replaceAll(m -> Matcher.quoteReplacement(
                values.getOrDefault(m.group(1), m.group())));
    }

    private String key() {
        return store.keys().prefix() + ":responses";
    }
}
