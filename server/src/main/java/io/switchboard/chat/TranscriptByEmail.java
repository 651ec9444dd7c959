package io.switchboard.chat;

import io.switchboard.engine.ApiException;
import io.switchboard.engine.CaseService;
import io.switchboard.engine.RoutingEngine;
import io.switchboard.store.redis.ChatStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A chat's transcript mailed to its customer, who asks for it once the chat has ended (the widget's "Email me this
 * chat"): once per chat, to the address given in the chat form, on the chat's case (its tag in the subject, so that an
 * answer threads onto the case), with the times in the business's time zone (stats.timeZone). The customer is "You",
 * agents are named by their names. The form's address is not verified, so only a chat an agent wrote in is mailed:
 * otherwise anyone could have the business mail a text of their own to any address.
 */
public final class TranscriptByEmail {
    /** Sends a case's message to the customer (the email channel's outbound mail). */
    public interface Mailer {
        Future<Void> mail(String to, String caseId, String text);
    }

    private static final Duration KEPT = Duration.ofDays(30);
    /** Longer than composing and handing one mail over (the relay's 10 s connect included). */
    private static final Duration CLAIM_LEASE = Duration.ofMinutes(2);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMMM uuuu", Locale.ENGLISH);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);

    private final RoutingEngine engine;
    private final CaseService cases;
    private final ChatStore store;
    private final Mailer mailer;
    private final ZoneId zone;

    public TranscriptByEmail(RoutingEngine engine, CaseService cases, ChatStore store, Mailer mailer, ZoneId zone) {
        this.engine = engine;
        this.cases = cases;
        this.store = store;
        this.mailer = mailer;
        this.zone = zone;
    }

    /** Mails it (once: asking again only confirms); the address it goes to. */
    Future<String> send(String interactionId) {
        return store.address(interactionId).compose(to -> {
            if (to == null) {
                return Future.failedFuture(new ApiException(409, "no_address", "this chat has no address to mail it to"));
            }
            // a short lease until the mailer has it: a node that stops in between does not leave it "sent" for a month
            return store.claimTranscriptMail(interactionId, CLAIM_LEASE).compose(first -> !first
                    ? Future.succeededFuture(to)
                    : compose(interactionId).compose(mail -> mailer.mail(to, mail.caseId(), mail.text()))
                            .recover(e -> store.unclaimTranscriptMail(interactionId).compose(v -> Future.failedFuture(e)))
                            // mailed: a claim not extended only lets a second copy go after the lease, no error
                            .compose(v -> store.keepTranscriptClaim(interactionId, KEPT).otherwise((Void) null))
                            .map(to));
        });
    }

    private record Mail(String caseId, String text) {
    }

    private Future<Mail> compose(String interactionId) {
        return Future.all(engine.interaction(interactionId), store.transcript(interactionId), cases.caseOf(interactionId))
                .compose(all -> {
                    String caseId = all.resultAt(2);
                    if (caseId == null) {
                        return Future.failedFuture(new ApiException(409, "no_case", "this chat has no case to mail it on"));
                    }
                    JsonObject interaction = all.resultAt(0);
                    // what the customer read: agents' notes, supervisors' whispers and notices to the agent stay in the house
                    List<JsonObject> messages = all.<List<String>>resultAt(1).stream().map(JsonObject::new)
                            .filter(ChatSession::customerRead).toList();
                    if (messages.stream().noneMatch(m -> List.of("agent", "supervisor").contains(m.getString("from")))) {
                        return Future.failedFuture(new ApiException(409, "no_agent",
                                "only a chat with an agent can be mailed"));
                    }
                    // one line: a name is the customer's own text, and must not write the mail's first lines
                    String name = interaction.getJsonObject("attributes", new JsonObject()).getString("customerName", "")
                            .replaceAll("\\s+", " ").strip();
                    return agentNames(messages).map(agents -> new Mail(caseId, text(name, messages, agents, zone)));
                });
    }

    /** The display names of the agents who wrote in the chat, by id (the id when an agent is gone). */
    private Future<Map<String, String>> agentNames(List<JsonObject> messages) {
        List<String> ids = messages.stream().map(m -> m.getString("agentId")).filter(Objects::nonNull).distinct().toList();
        // an agent's id is internal: one without a name (or gone) is "Us" to the customer
        List<Future<String>> names = ids.stream().map(id -> engine.agent(id)
                .map(a -> a.getString("name") == null || a.getString("name").isBlank() ? "Us" : a.getString("name"))
                .otherwise("Us")).toList();
        return Future.all(names).map(done -> {
            Map<String, String> byId = new HashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                byId.put(ids.get(i), names.get(i).result());
            }
            return byId;
        });
    }

    static String text(String customerName, List<JsonObject> messages, Map<String, String> agents, ZoneId zone) {
        StringBuilder out = new StringBuilder("Hello").append(customerName.isBlank() ? "" : " " + customerName)
                .append(",\n\nhere is our chat");
        if (!messages.isEmpty()) {
            out.append(" of ").append(DAY.format(Instant.ofEpochMilli(messages.get(0).getLong("at", 0L)).atZone(zone)));
        }
        out.append(" (times in ").append(zone.getId()).append("):\n\n");
        for (JsonObject m : messages) {
            String who = switch (m.getString("from", "")) {
                case "customer" -> "You";
                case "supervisor" -> m.getString("name", "Us");
                default -> agents.getOrDefault(m.getString("agentId", ""), "Us");
            };
            out.append(TIME.format(Instant.ofEpochMilli(m.getLong("at", 0L)).atZone(zone))).append(' ').append(who)
                    .append(": ").append(m.getString("text", "").replace("\n", "\n      ")).append('\n');
        }
        return out.append("\nTo write to us about it, answer this email.\n").toString();
    }
}
