package io.switchboard.engine;

import io.switchboard.cases.Case;
import io.switchboard.cases.CaseNote;
import io.switchboard.cases.CasePriority;
import io.switchboard.cases.CaseStatus;
import io.switchboard.cases.CaseType;
import io.switchboard.cases.Complaint;
import io.switchboard.cases.ComplaintCategory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How a case is kept in its Redis hash (scalars as fields, lists as JSON), and its API JSON. */
public final class CaseRecords {
    private CaseRecords() {
    }

    static Map<String, String> fields(Case c) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("id", c.id());
        f.put("type", c.type().wireName());
        f.put("customerId", c.customerId());
        f.put("subject", c.subject());
        f.put("status", c.status().wireName());
        f.put("priority", c.priority().wireName());
        f.put("agentId", c.agentId());
        f.put("team", c.team());
        f.put("interactions", new JsonArray(new ArrayList<>(c.interactions())).encode());
        f.put("notes", notesJson(c.notes()).encode());
        f.put("dispositions", new JsonArray(new ArrayList<>(c.dispositions())).encode());
        f.put("resolution", c.resolution());
        f.put("fcr", Boolean.toString(c.firstContactResolution()));
        f.put("reopened", Boolean.toString(c.reopened()));
        f.put("complaint", c.complaint() == null ? "" : complaintJson(c.complaint()).encode());
        f.put("createdAt", Long.toString(c.createdAt()));
        f.put("updatedAt", Long.toString(c.updatedAt()));
        f.put("resolvedAt", Long.toString(c.resolvedAt()));
        return f;
    }

    static Case fromHash(Map<String, String> h) {
        List<CaseNote> notes = new ArrayList<>();
        new JsonArray(h.getOrDefault("notes", "[]")).forEach(o -> {
            JsonObject n = (JsonObject) o;
            notes.add(new CaseNote(n.getLong("at"), n.getString("author"), n.getString("text")));
        });
        String complaint = h.getOrDefault("complaint", "");
        return new Case(h.get("id"), CaseType.parse(h.get("type")), h.get("customerId"), h.get("subject"),
                CaseStatus.parse(h.get("status")), CasePriority.parse(h.get("priority")), h.get("agentId"),
                h.get("team"), strings(h.get("interactions")), notes, strings(h.get("dispositions")),
                h.get("resolution"), Boolean.parseBoolean(h.get("fcr")), Boolean.parseBoolean(h.get("reopened")),
                complaint.isEmpty() ? null : complaint(new JsonObject(complaint)),
                Long.parseLong(h.get("createdAt")), Long.parseLong(h.get("updatedAt")),
                Long.parseLong(h.getOrDefault("resolvedAt", "0")));
    }

    public static JsonObject json(Case c) {
        JsonObject json = new JsonObject()
                .put("id", c.id()).put("type", c.type().wireName()).put("customerId", c.customerId())
                .put("subject", c.subject()).put("status", c.status().wireName())
                .put("priority", c.priority().wireName())
                .put("agentId", c.agentId().isEmpty() ? null : c.agentId())
                .put("team", c.team().isEmpty() ? null : c.team())
                .put("interactions", new JsonArray(new ArrayList<>(c.interactions())))
                .put("notes", notesJson(c.notes()))
                .put("dispositions", new JsonArray(new ArrayList<>(c.dispositions())))
                .put("resolution", c.resolution().isEmpty() ? null : c.resolution())
                .put("firstContactResolution", c.firstContactResolution())
                .put("reopened", c.reopened())
                .put("createdAt", c.createdAt()).put("updatedAt", c.updatedAt())
                .put("resolvedAt", c.resolvedAt() == 0 ? null : c.resolvedAt());
        if (c.complaint() != null) {
            json.put("complaint", complaintJson(c.complaint()));
        }
        return json;
    }

    /** The complaint from API JSON; IllegalArgumentException (400) on a bad one. */
    public static Complaint complaint(JsonObject j) {
        JsonObject r = j.getJsonObject("response");
        Complaint.UniformResponse response = null;
        if (r != null) {
            JsonObject g = r.getJsonObject("gesture");
            Complaint.Gesture gesture = g == null ? null
                    : new Complaint.Gesture(g.getString("kind"), g.getDouble("value", 0.0));
            response = new Complaint.UniformResponse(r.getString("apology"), r.getString("assurance"), gesture);
        }
        return new Complaint(ComplaintCategory.parse(j.getString("category")), j.getString("product"),
                j.getString("slaOverrun"), response);
    }

    static JsonObject complaintJson(Complaint c) {
        JsonObject json = new JsonObject().put("category", c.category().wireName()).put("product", c.product())
                .put("slaOverrun", c.slaOverrun());
        Complaint.UniformResponse r = c.response();
        if (r != null) {
            JsonObject response = new JsonObject().put("apology", r.apology()).put("assurance", r.assurance());
            if (r.gesture() != null) {
                response.put("gesture", new JsonObject().put("kind", r.gesture().kind()).put("value", r.gesture().value()));
            }
            json.put("response", response);
        }
        return json;
    }

    private static JsonArray notesJson(List<CaseNote> notes) {
        JsonArray array = new JsonArray();
        notes.forEach(n -> array.add(new JsonObject().put("at", n.at()).put("author", n.author()).put("text", n.text())));
        return array;
    }

    private static List<String> strings(String json) {
        List<String> out = new ArrayList<>();
        if (json != null && !json.isEmpty()) {
            new JsonArray(json).forEach(v -> out.add(String.valueOf(v)));
        }
        return out;
    }
}
