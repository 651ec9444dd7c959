package io.switchboard.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.testing.AgentSocket;
import io.switchboard.testing.Agents;
import io.switchboard.testing.Api;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every endpoint a node serves, fed malformed and mistyped input by staff: each answers a 4xx with a message
 * (never a 500, which would mean an input nobody validated reached the engine), the node stays ready, and what was
 * accepted before stays as it was. The endpoints come from the node itself, so a new one is covered the day it lands.
 */
@ExtendWith(TestRedis.class)
class ApiRobustnessIT {
    private static final List<String> BODIES = List.of("{", "[]", "\"text\"", "42", "null", "{\"a\":" + "[".repeat(200),
            new JsonObject().put("attributes", "x").put("channel", 5).put("state", List.of()).put("reason", Map.of())
                    .put("queue", 7).put("agentId", Map.of()).put("customerId", List.of()).put("priority", "high")
                    .put("disposition", 5).put("notes", List.of()).put("skills", "all").put("capacity", List.of())
                    .put("pin", 5).put("name", Map.of()).put("text", Map.of()).put("subject", List.of())
                    .put("target", 5).put("targetSeconds", "soon").put("points", "x").put("status", 9)
                    .put("type", List.of()).put("abandoned", "yes").put("tier", 5).put("lifetimeValue", "x")
                    .put("phones", "x").put("emails", 5).put("crossChannel", "x").put("queuePriority", List.of())
                    .put("autoAccept", "chat").put("body", 5).put("message", Map.of()).put("number", Map.of())
                    .put("workflow", 5).put("caseId", 5).put("interactionId", List.of()).put("email", 5)
                    .put("category", 5).put("severity", List.of()).put("outcome", 5).put("language", 5).encode(),
            "{\"priority\": 1e400, \"targetSeconds\": -1, \"points\": 1e308, \"limit\": -5}");
    private static final String QUERY = "?limit=abc&from=yesterday&to=-1&severity=bogus&ids=,,,&interactionId=&caseId="
            + "&customerId=%00&status=nope&queue=&channel=fax";

    @Test
    void noInputMakesAnEndpointFailWithAServerError(TestRedis redis) {
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).start()) {
            Api admin = node.api();
            admin.post("/api/v1/customers", new JsonObject().put("id", "c-1").put("name", "Ada").put("tier", "gold"))
                    .expect(201);
            Api ann = Agents.create(admin, "ann", new JsonObject().put("support", 8));
            String reservation;
            String interaction;
            try (AgentSocket desk = ann.events("ann")) {
                Agents.available(ann, "ann");
                interaction = admin.post("/api/v1/interactions", new JsonObject().put("channel", "chat")
                        .put("customerId", "c-1").put("attributes", new JsonObject().put("intent", "support")))
                        .expect(201).json().getString("id");
                reservation = desk.await("offer").getString("reservation");
            }
            String caseId = admin.post("/api/v1/cases", new JsonObject().put("customerId", "c-1")
                    .put("subject", "Refund").put("type", "service_request")).expect(201).json().getString("id");
            Map<String, String> ids = Map.of("agents", "ann", "interactions", interaction, "cases", caseId,
                    "customers", "c-1", "reservations", reservation, "queues", "support");

            List<String> failures = new ArrayList<>();
            int requests = 0;
            for (String endpoint : node.server().endpoints()) {
                String method = endpoint.substring(0, endpoint.indexOf(' '));
                String path = concrete(endpoint.substring(endpoint.indexOf(' ') + 1), ids);
                if (!path.startsWith("/api/v1/")) {
                    continue;
                }
                List<Api.Reply> replies = new ArrayList<>();
                if (method.equals("GET")) {
                    replies.add(admin.get(path + QUERY));
                } else if (method.equals("DELETE")) {
                    replies.add(admin.delete(path));
                } else {
                    for (String body : BODIES) {
                        replies.add(send(admin, method, path, body));
                    }
                }
                for (Api.Reply reply : replies) {
                    requests++;
                    if (reply.status() >= 500 && !unavailableVoice(reply)) {
                        failures.add(endpoint + " -> " + reply.status() + " " + reply.body());
                    } else if (reply.body().contains("fasterxml") || reply.body().contains("StreamReadFeature")) {
                        failures.add(endpoint + " -> the parser's internals: " + reply.body());
                    }
                }
            }
            assertTrue(requests > 300, "requests made: " + requests);
            assertEquals(List.of(), failures);

            assertEquals(426, admin.get("/api/v1/supervisor/events").status(), "a WebSocket endpoint asks for the upgrade");
            assertEquals(200, admin.as(null).get("/health/ready").status());
            assertEquals("Ada", admin.get("/api/v1/customers/c-1").expect(200).json().getString("name"));
            // (a PUT of an object replaces the agent's profile, as a PUT does: only that it still reads is asserted)
            assertEquals("ann", admin.get("/api/v1/agents/ann").expect(200).json().getString("id"));
            assertEquals("Refund", admin.get("/api/v1/cases/" + caseId).expect(200).json().getString("subject"));
            assertEquals("support", admin.get("/api/v1/interactions/" + interaction).expect(200).json()
                    .getJsonObject("attributes").getString("intent"), "accepted data is intact");
        }
    }

    /**
     * JSON labelled a form, as `curl -d` sends it, is read as JSON, past 1 KB too (it was decoded as form fields and
     * failed with a 500); multipart is refused; a value of the wrong JSON type is refused naming its field, never
     * stored as its Java text ("[x]"); a body that is not an object says so, without Java class names.
     */
    @Test
    void jsonSentAsAFormIsReadAndMistypedValuesAreRefused(TestRedis redis) {
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).start()) {
            Api admin = node.api();
            String form = "application/x-www-form-urlencoded";
            String large = new JsonObject().put("channel", "chat")
                    .put("attributes", new JsonObject().put("note", "x".repeat(3000))).encode();
            String id = admin.post("/api/v1/interactions", form, large).expect(201).json().getString("id");
            assertEquals(3000, admin.get("/api/v1/interactions/" + id).json().getJsonObject("attributes")
                    .getString("note").length());
            Agents.create(admin, "ann", new JsonObject().put("support", 8));
            admin.as(null).post("/api/v1/auth/agent", form, new JsonObject().put("agentId", "ann").put("pin", "1234")
                    .put("padding", "y".repeat(2000)).encode()).expect(200);
            assertEquals("unsupported_media_type", admin.post("/api/v1/interactions", "multipart/form-data; boundary=b",
                    "--b--").expect(415).json().getString("error"));

            assertEquals("the body must be a JSON object", admin.post("/api/v1/interactions", "application/json", "[]")
                    .expect(400).json().getString("message"));
            // no body at all (curl -X POST): an action that needs none is taken, as with {}
            Api annDesk = Agents.login(admin, "ann");
            Agents.available(annDesk, "ann"); // offered the chat made above
            String rsv = admin.get("/api/v1/agents/ann").json().getString("reservation");
            assertEquals(200, annDesk.postRaw("/api/v1/reservations/" + rsv + "/accept", "").status());
            assertEquals("assigned", admin.get("/api/v1/interactions/" + id).json().getString("status"));
            assertEquals("'team' must be a string", admin.put("/api/v1/agents/ann", new JsonObject()
                    .put("team", new io.vertx.core.json.JsonArray().add("x"))).expect(400).json().getString("message"));
            assertEquals("'pin' must be a string", admin.put("/api/v1/agents/ann", new JsonObject().put("pin", 1234))
                    .expect(400).json().getString("message"));
            assertEquals("'channel' must be a string", admin.post("/api/v1/interactions", new JsonObject()
                    .put("channel", 5)).expect(400).json().getString("message"));
            assertEquals("'reason' must be a string", admin.post("/api/v1/agents/ann/state", new JsonObject()
                    .put("state", "away").put("reason", new JsonObject())).expect(400).json().getString("message"));
            assertEquals("", admin.get("/api/v1/agents/ann").json().getString("team"), "nothing was stored");
            String huge = admin.put("/api/v1/agents/ann", new JsonObject().put("skills", new JsonObject()
                    .put("support", 1.5e308))).expect(400).json().getString("message");
            assertTrue(huge.startsWith("'skills.support' is out of range"), huge);
            assertEquals("no agent 'nobody'", admin.post("/api/v1/agents/nobody/sign-out", "{}").expect(404).json()
                    .getString("message"));
            // a method the path does not take is 405, not "no such endpoint"; an unknown path stays 404
            assertEquals("GET is not allowed on /api/v1/interactions/" + id + "/complete",
                    admin.get("/api/v1/interactions/" + id + "/complete").expect(405).json().getString("message"));
            assertEquals("method_not_allowed", admin.delete("/api/v1/interactions").expect(405).json().getString("error"));
            assertEquals("not_found", admin.get("/api/v1/nothing-here").expect(404).json().getString("error"));
            assertEquals(404, admin.as(null).get("/agent/missing.js").status());
        }
    }

    /** A PUT replaces an agent's profile: a misspelt key would drop what it meant to set, so it is refused. */
    @Test
    void aMisspeltAgentFieldIsRefusedAndAProfileReadCanBeWrittenBack(TestRedis redis) {
        try (TestNode node = TestNode.on(redis, redis.newPrefix()).start()) {
            Api admin = node.api();
            Agents.create(admin, "ann", new JsonObject().put("support", 8));
            String message = admin.put("/api/v1/agents/ann", new JsonObject().put("skils", new JsonObject()
                    .put("support", 9))).expect(400).json().getString("message");
            assertTrue(message.contains("'skils'") && message.contains("skills"), message);
            JsonObject read = admin.get("/api/v1/agents/ann").expect(200).json();
            assertEquals(8, read.getJsonObject("skills").getInteger("support"), "the refused PUT changed nothing");

            admin.put("/api/v1/agents/ann", read.copy().put("team", "blue")).expect(200);
            JsonObject after = admin.get("/api/v1/agents/ann").expect(200).json();
            assertEquals("blue", after.getString("team"));
            assertEquals(read.getJsonObject("skills"), after.getJsonObject("skills"));

            // values that used to pass: a callback capacity that set voice's, a skill no rule can name, a 40 KB
            // attributes document, a fractional priority read as a whole one
            assertEquals("capacity.callback and capacity.voice are one capacity (a callback is a call): give one of them",
                    admin.put("/api/v1/agents/ann", new JsonObject().put("capacity", new JsonObject().put("voice", 1)
                            .put("callback", 4))).expect(400).json().getString("message"));
            admin.put("/api/v1/agents/ann", new JsonObject().put("skills", new JsonObject().put("", 5))).expect(400);
            admin.put("/api/v1/agents/ann", new JsonObject().put("attributes", new JsonObject()
                    .put("notes", "x".repeat(40_000)))).expect(422);
            assertEquals(1, admin.get("/api/v1/agents/ann").json().getJsonObject("capacity").getInteger("voice"),
                    "nothing of the refused PUTs was kept");
            assertEquals("'priority' must be a whole number", admin.post("/api/v1/interactions", new JsonObject()
                    .put("channel", "chat").put("priority", 1.5)).expect(400).json().getString("message"));
        }
    }

    /** Voice endpoints answer 503 on a node with no Asterisk to speak to: a true answer, not a failure. */
    private static boolean unavailableVoice(Api.Reply reply) {
        return reply.status() == 503 && reply.body().contains("\"unavailable\"");
    }

    private static Api.Reply send(Api api, String method, String path, String body) {
        return switch (method) {
            case "POST" -> api.post(path, body);
            case "PUT" -> api.put(path, body);
            case "PATCH" -> api.patch(path, body);
            default -> throw new IllegalArgumentException(method);
        };
    }

    /** The path with its parameters filled from the resource before each (:id after /agents is an agent id, ...). */
    private static String concrete(String path, Map<String, String> ids) {
        String[] parts = path.split("/");
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].startsWith(":")) {
                parts[i] = parts[i].equals(":n") ? "1" : ids.getOrDefault(parts[i - 1], "x");
            }
        }
        return String.join("/", parts);
    }
}
