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
    public static final int MAX_TEXT = 4000;
    public static final int MAX_RESPONSES = 500;
    private static final Pattern CODE = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_]+)}");
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
        if (title == null || title.isBlank() || title.length() > MAX_TITLE || title.chars().anyMatch(Character::isISOControl)) {
            return Future.failedFuture(ApiException.badRequest("'title' is required: one line of at most " + MAX_TITLE
                    + " characters"));
        }
        if (text == null || text.isBlank() || text.length() > MAX_TEXT) {
            return Future.failedFuture(ApiException.badRequest("'text' is required, at most " + MAX_TEXT + " characters"));
        }
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (!PLACEHOLDERS.contains(m.group(1))) {
                return Future.failedFuture(ApiException.badRequest("unknown placeholder {" + m.group(1)
                        + "}: use {customer}, {agent} or {case}"));
            }
        }
        JsonObject response = new JsonObject().put("code", code).put("title", title.strip()).put("text", text);
        return store.hash(key()).compose(hash -> {
            if (!hash.containsKey(code) && hash.size() >= MAX_RESPONSES) {
                return Future.failedFuture(ApiException.conflict("there are " + MAX_RESPONSES
                        + " responses already: delete one first"));
            }
            return store.hset(key(), Map.of(code, response.encode())).map(response);
        });
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
                : engine.agent(agentId).map(a -> a.getString("name", agentId)).otherwise(agentId);
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
