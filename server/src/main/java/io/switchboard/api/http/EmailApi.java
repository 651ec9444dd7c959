package io.switchboard.api.http;

import static io.switchboard.api.http.HttpApi.body;
import static io.switchboard.api.http.HttpApi.principal;
import static io.switchboard.api.http.HttpApi.reply;

import io.switchboard.cases.Case;
import io.switchboard.email.EmailChannel;
import io.switchboard.email.EmailReplies;
import io.switchboard.email.MimeParser;
import io.switchboard.engine.ApiException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * The email an agent works: {@code GET .../email} (the message, its attachments and the replies sent),
 * {@code GET .../attachments/{n}}, and {@code POST .../reply}. Reading follows the interaction's access
 * rule (staff, or the agent it is offered to or held by); only the agent holding it replies. And a mail to a case's
 * customer, {@code POST /api/v1/cases/{id}/emails}, by whoever may work the case.
 */
final class EmailApi {
    /** An HTML reply may be this long: a rich reply with inline styles, not a newsletter. */
    private static final int MAX_HTML = 500_000;
    /** A subject is a line, not a paragraph (RFC 5322 recommends lines of at most 78 characters). */
    private static final int MAX_SUBJECT = 200;

    private final EmailChannel email;
    private final EmailReplies replies;
    private final Function<RoutingContext, Future<JsonObject>> visibleInteraction;
    private final Function<RoutingContext, Future<Case>> workableCase;

    /**
     * @param visibleInteraction the interaction, if the caller may see it (else a failed 403/404 future)
     * @param workableCase the case of the path, if the caller may work it (else a failed 403/404 future)
     */
    EmailApi(EmailChannel email, EmailReplies replies, Function<RoutingContext, Future<JsonObject>> visibleInteraction,
             Function<RoutingContext, Future<Case>> workableCase) {
        this.email = email;
        this.replies = replies;
        this.visibleInteraction = visibleInteraction;
        this.workableCase = workableCase;
    }

    void mount(Router router) {
        router.get("/api/v1/interactions/:id/email").handler(ctx -> reply(ctx, visibleInteraction.apply(ctx)
                .compose(json -> email.message(json.getString("id"))).map(message -> {
                    if (message.isEmpty()) {
                        throw ApiException.notFound("interaction " + ctx.pathParam("id") + " has no email");
                    }
                    return message;
                })));
        router.get("/api/v1/interactions/:id/attachments/:n").handler(this::attachment);
        router.post("/api/v1/interactions/:id/reply").handler(this::replyByEmail);
        router.post("/api/v1/cases/:id/emails").handler(this::writeOnCase);
    }

    /** {"text", "subject"?, "to"? (one of the customer's addresses), "pendingCustomer"?} -> the thread entry sent. */
    private void writeOnCase(RoutingContext ctx) {
        JsonObject body = body(ctx);
        String text = string(body, "text", true);
        String subject = string(body, "subject", false);
        String to = string(body, "to", false);
        if (text.length() > MimeParser.MAX_TEXT) {
            throw ApiException.unprocessable("'text' is at most " + MimeParser.MAX_TEXT + " characters");
        }
        if (subject != null && (subject.length() > MAX_SUBJECT || subject.chars().anyMatch(Character::isISOControl))) {
            throw ApiException.badRequest("'subject' is one line of at most " + MAX_SUBJECT + " characters");
        }
        boolean pendingCustomer = pendingCustomer(body);
        reply(ctx, workableCase.apply(ctx).compose(c -> replies.write(c, HttpApi.actorName(ctx),
                new EmailReplies.Message(to, subject, text, pendingCustomer))));
    }

    private static boolean pendingCustomer(JsonObject body) {
        Object pending = body.getValue("pendingCustomer", false);
        if (!(pending instanceof Boolean pendingCustomer)) {
            throw ApiException.badRequest("'pendingCustomer' must be true or false");
        }
        return pendingCustomer;
    }

    private void attachment(RoutingContext ctx) {
        int n = index(ctx.pathParam("n"));
        visibleInteraction.apply(ctx).compose(json -> email.attachment(json.getString("id"), n)).onSuccess(a -> {
            if (a == null) {
                Errors.send(ctx, 404, "not_found", "interaction " + ctx.pathParam("id") + " has no attachment " + n);
                return;
            }
            // always a download, never rendered by the browser in our origin (an HTML attachment is hostile input)
            ctx.response().putHeader("Content-Type", a.contentType())
                    .putHeader("Content-Disposition", "attachment; filename=\"" + asciiName(a.filename())
                            + "\"; filename*=UTF-8''" + java.net.URLEncoder.encode(a.filename(),
                            java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"))
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .end(Buffer.buffer(a.content()));
        }).onFailure(ctx::fail);
    }

    private void replyByEmail(RoutingContext ctx) {
        Principal principal = principal(ctx);
        if (!principal.isAgent()) {
            throw ApiException.forbidden("only the agent holding this email replies to it");
        }
        JsonObject body = body(ctx);
        String text = string(body, "text", true);
        String html = string(body, "html", false);
        boolean pendingCustomer = pendingCustomer(body);
        if (text.length() > MimeParser.MAX_TEXT) {
            throw ApiException.unprocessable("'text' is at most " + MimeParser.MAX_TEXT + " characters");
        }
        if (html != null && html.length() > MAX_HTML) {
            throw ApiException.unprocessable("'html' is at most " + MAX_HTML + " characters");
        }
        reply(ctx, replies.reply(ctx.pathParam("id"), principal.agentId(),
                new EmailReplies.Reply(text, html, pendingCustomer)));
    }

    private static String string(JsonObject body, String field, boolean required) {
        Object value = body.getValue(field);
        if (value == null && !required) {
            return null;
        }
        if (!(value instanceof String s) || s.isBlank()) {
            throw ApiException.badRequest("'" + field + "' must be a non-empty string");
        }
        return s;
    }

    private static int index(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("the attachment number must be 0, 1, ...");
        }
    }

    /** The filename for clients that do not read filename*: printable ASCII, no quotes or path separators. */
    private static String asciiName(String filename) {
        return filename.replaceAll("[^\\x20-\\x7e]|[\"\\\\/]", "_");
    }
}
