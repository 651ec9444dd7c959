package io.switchboard.api.http;

import static io.switchboard.api.http.HttpApi.body;
import static io.switchboard.api.http.HttpApi.principal;
import static io.switchboard.api.http.HttpApi.reply;
import static io.switchboard.api.http.HttpApi.required;
import static io.switchboard.api.http.HttpApi.text;

import io.switchboard.cases.Case;
import io.switchboard.cases.CaseNote;
import io.switchboard.cases.CasePriority;
import io.switchboard.cases.CaseStatus;
import io.switchboard.cases.CaseType;
import io.switchboard.cases.Complaint;
import io.switchboard.engine.ApiException;
import io.switchboard.engine.CaseRecords;
import io.switchboard.engine.CaseService;
import io.switchboard.engine.SlaService;
import io.switchboard.engine.CustomerService;
import io.switchboard.routing.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * {@code /api/v1/cases}: staff see and change every case; an agent creates cases and works the cases
 * assigned to it. Domain rule violations answer 409 (a transition the status does not allow), bad
 * values 400, unknown customers or another customer's interaction 422.
 */
final class CaseApi {
    private static final int DEFAULT_LIMIT = 50;

    private final CaseService cases;
    private final SlaService sla;
    private final Function<String, Future<List<JsonObject>>> emailThread;
    private final CustomerService customers;
    private final ThreadMove threadMove;

    /** Moves an interaction's email thread entries between cases (EmailChannel.moveThread). */
    @FunctionalInterface
    interface ThreadMove {
        Future<Void> move(String interactionId, String fromCase, String toCase);
    }

    /** @param emailThread a case's email thread (inbound and outbound), shown with the case */
    CaseApi(CaseService cases, SlaService sla, Function<String, Future<List<JsonObject>>> emailThread,
            CustomerService customers, ThreadMove threadMove) {
        this.cases = cases;
        this.sla = sla;
        this.emailThread = emailThread;
        this.customers = customers;
        this.threadMove = threadMove;
    }

    void mount(Router router) {
        router.post("/api/v1/cases").handler(this::create);
        router.get("/api/v1/cases").handler(this::search);
        // with its email thread and the live SLA status of each target (as on the interaction JSON)
        router.get("/api/v1/cases/:id").handler(ctx -> reply(ctx, visible(ctx).compose(c -> json(c)
                .compose(json -> sla.caseTimers(c.id()).map(timers -> timers.isEmpty() ? json : json.put("sla", timers))))));
        router.patch("/api/v1/cases/:id").handler(this::update);
        router.post("/api/v1/cases/:id/notes").handler(ctx -> {
            String text = required(body(ctx), "text");
            Principal principal = principal(ctx);
            String author = principal.isAgent() ? principal.agentId() : principal.role().name().toLowerCase();
            boolean response = body(ctx).getBoolean("publicResponse", false);
            change(ctx, Future.succeededFuture(), c -> c.addNote(new CaseNote(cases.now(), author, text), cases.now()),
                    response);
        });
        router.post("/api/v1/cases/:id/interactions").handler(ctx -> {
            String interactionId = required(body(ctx), "interactionId");
            // one linked to another case moves here: its email thread with it, so this case shows what was written
            reply(ctx, visible(ctx).compose(c -> cases.caseOf(interactionId).compose(before -> cases.link(c.id(),
                    interactionId).compose(linked -> before == null || before.isEmpty() || before.equals(linked.id())
                            ? Future.succeededFuture(linked)
                            // linked it is: a thread left behind (Redis failing meanwhile) is no error for the caller
                            : threadMove.move(interactionId, before, linked.id()).map(linked).otherwise(linked))))
                    .compose(this::json));
        });
        router.post("/api/v1/cases/:id/resolve").handler(ctx -> {
            JsonObject body = body(ctx);
            String resolution = required(body, "resolution");
            String disposition = text(body, "disposition");
            change(ctx, c -> c.resolve(resolution, disposition, cases.now()));
        });
    }

    private void create(RoutingContext ctx) {
        Principal principal = principal(ctx);
        JsonObject body = body(ctx);
        CaseType type = CaseType.parse(required(body, "type"));
        String customerId = required(body, "customerId");
        if (!Ids.isValid(customerId)) {
            throw ApiException.badRequest("customerId must be 1-64 letters, digits, '-', '_' or '.'");
        }
        String priority = text(body, "priority");
        JsonObject complaint = body.getJsonObject("complaint");
        String agentId = text(body, "agentId", principal.isAgent() ? principal.agentId() : null);
        if (principal.isAgent() && !principal.agentId().equals(agentId)) {
            throw ApiException.forbidden("an agent opens cases assigned to itself");
        }
        String fromBreach = text(body, "fromBreach");
        // an agent opens cases for the customers it serves: a case makes the customer's record and addresses its to read
        Future<Boolean> serves = principal.isAgent() ? customers.agentServes(principal.agentId(), customerId)
                : Future.succeededFuture(true);
        serves.compose(allowed -> allowed ? cases.requireAssignable(agentId) : Future.failedFuture(ApiException.forbidden(
                "an agent opens cases for a customer whose contact it holds or is offered")))
                .compose(v -> overrun(complaint, fromBreach, customerId)).map(filled -> new CaseService.NewCase(type, customerId,
                text(body, "subject"),
                priority == null ? null : CasePriority.parse(priority), agentId, text(body, "team"),
                filled == null ? null : CaseRecords.complaint(filled), text(body, "interactionId")))
                .compose(cases::open).onSuccess(c -> {
            ctx.response().setStatusCode(201).putHeader("Location", "/api/v1/cases/" + c.id());
            ctx.json(CaseRecords.json(c).put("emails", new JsonArray()));   // a new case has no email yet
        }).onFailure(ctx::fail);
    }

    private void search(RoutingContext ctx) {
        Principal principal = principal(ctx);
        String customerId = param(ctx, "customerId");
        String status = param(ctx, "status");
        String type = param(ctx, "type");
        String agentId = principal.isAgent() ? principal.agentId() : param(ctx, "agentId");
        int limit = limit(ctx);
        reply(ctx, cases.search(customerId, status == null ? null : CaseStatus.parse(status),
                        type == null ? null : CaseType.parse(type), agentId, limit)
                .map(list -> new JsonArray(list.stream().map(CaseRecords::json).toList())));
    }

    private static final java.util.List<String> UPDATABLE = java.util.List.of("status", "priority", "agentId", "team",
            "complaint");

    private void update(RoutingContext ctx) {
        JsonObject body = body(ctx);
        // a field the case does not take (its subject is the customer's words) was answered 200 and ignored
        body.fieldNames().stream().filter(f -> !UPDATABLE.contains(f)).findFirst().ifPresent(f -> {
            throw ApiException.badRequest("a case's '" + f + "' cannot be changed; the fields are " + UPDATABLE);
        });
        String status = text(body, "status");
        String priority = text(body, "priority");
        CaseStatus newStatus = status == null ? null : CaseStatus.parse(status);
        CasePriority newPriority = priority == null ? null : CasePriority.parse(priority);
        boolean assigning = body.containsKey("agentId") || body.containsKey("team");
        JsonObject complaintJson = body.getJsonObject("complaint");
        Complaint complaint = complaintJson == null ? null : CaseRecords.complaint(complaintJson);
        if (principal(ctx).isAgent() && body.containsKey("agentId")) {
            throw ApiException.forbidden("assigning cases to agents needs an admin or supervisor key");
        }
        String assignee = assigning ? text(body, "agentId") : null;
        change(ctx, cases.requireAssignable(assignee), c -> {
            long now = cases.now();
            Case out = c;
            if (assigning) {
                out = out.assign(text(body, "agentId", c.agentId()), text(body, "team", c.team()), now);
            }
            if (newPriority != null) {
                out = out.withPriority(newPriority, now);
            }
            if (complaint != null) {
                out = out.withComplaint(complaint, now);
            }
            return newStatus == null ? out : out.moveTo(newStatus, now);
        });
    }

    /**
     * A complaint made "from a breach" carries the breach in {@code complaint.slaOverrun} (unless the
     * caller wrote one): which promise, how badly, and the breach id to find it by.
     */
    private Future<JsonObject> overrun(JsonObject complaint, String breachId, String customerId) {
        if (breachId == null) {
            return Future.succeededFuture(complaint);
        }
        if (complaint == null) {
            throw ApiException.badRequest("'fromBreach' is for complaints (with 'complaint')");
        }
        return sla.breach(breachId).compose(breach -> {
            if (breach == null) {
                throw ApiException.unprocessable("no breach '" + breachId + "'");
            }
            // a complaint quotes the customer's own broken promise, never another customer's case
            return cases.customerOfBreach(breach).map(owner -> {
                if (!owner.isEmpty() && !owner.equals(customerId)) {
                    throw ApiException.unprocessable("breach '" + breachId + "' is of another customer's contact");
                }
                return breach;
            });
        }).map(breach -> {
            if (!complaint.getString("slaOverrun", "").isBlank()) {
                return complaint;
            }
            String subject = breach.getString("case") != null ? "case " + breach.getString("case")
                    : "interaction " + breach.getString("interaction");
            return complaint.copy().put("slaOverrun", breach.getString("severity") + " breach of "
                    + breach.getString("target") + " (policy " + breach.getString("policy") + ") on " + subject
                    + ", due " + Instant.ofEpochMilli(breach.getLong("dueAt", 0L)) + "; breach " + breachId);
        });
    }

    private void change(RoutingContext ctx, UnaryOperator<Case> change) {
        change(ctx, Future.succeededFuture(), change, false);
    }

    /** @param checked what must hold before the change (e.g. its assignee exists) */
    private void change(RoutingContext ctx, Future<Void> checked, UnaryOperator<Case> change) {
        change(ctx, checked, change, false);
    }

    /** @param response the change is an agent's answer to the customer (meets a response target) */
    private void change(RoutingContext ctx, Future<Void> checked, UnaryOperator<Case> change, boolean response) {
        reply(ctx, checked.compose(v -> visible(ctx)).compose(c -> cases.change(c.id(), change)).compose(c -> {
            if (response) {
                cases.agentResponded(c.id());
            }
            return json(c);
        }));
    }

    /** One case as the API shows it: the case and its email thread, the same for every call that answers one. */
    private Future<JsonObject> json(Case c) {
        return emailThread.apply(c.id()).map(thread -> CaseRecords.json(c).put("emails", new JsonArray(thread)));
    }

    /**
     * The case, if the caller may work it: staff always, an agent when it is assigned to it or while it
     * serves the case's customer (the desktop shows and resolves the case of the email or call in hand).
     */
    Future<Case> visible(RoutingContext ctx) {
        Principal principal = principal(ctx);
        return cases.get(ctx.pathParam("id")).compose(c -> {
            if (!principal.isAgent() || principal.agentId().equals(c.agentId())) {
                return Future.succeededFuture(c);
            }
            return customers.agentServes(principal.agentId(), c.customerId()).map(serves -> {
                if (!serves) {
                    throw ApiException.forbidden("this case is not assigned to you nor to a customer you serve");
                }
                return c;
            });
        });
    }

    private static String param(RoutingContext ctx, String name) {
        String value = ctx.request().getParam(name);
        return value == null || value.isBlank() ? null : value;
    }

    private static int limit(RoutingContext ctx) {
        String value = param(ctx, "limit");
        try {
            int limit = value == null ? DEFAULT_LIMIT : Integer.parseInt(value);
            if (limit < 1 || limit > CaseService.MAX_SEARCH) {
                throw new NumberFormatException();
            }
            return limit;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("limit must be 1-" + CaseService.MAX_SEARCH);
        }
    }
}
