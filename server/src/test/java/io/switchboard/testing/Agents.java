package io.switchboard.testing;

import io.vertx.core.json.JsonObject;

/** Creating and logging in agents through the API. */
public final class Agents {
    private Agents() {
    }

    /** Creates (or replaces) an agent with PIN 1234 and returns an API client holding its token. */
    public static Api create(Api admin, String id, JsonObject skills) {
        return create(admin, id, skills, new JsonObject());
    }

    public static Api create(Api admin, String id, JsonObject skills, JsonObject capacity) {
        admin.put("/api/v1/agents/" + id, new JsonObject().put("name", "Agent " + id).put("skills", skills)
                .put("capacity", capacity).put("pin", "1234").put("endpoint", "PJSIP/" + id)).expect(200);
        return login(admin, id);
    }

    public static Api login(Api admin, String id) {
        String token = admin.as(null).post("/api/v1/auth/agent",
                new JsonObject().put("agentId", id).put("pin", "1234")).expect(200).json().getString("token");
        return admin.as(token);
    }

    public static void available(Api agent, String id) {
        agent.post("/api/v1/agents/" + id + "/state", new JsonObject().put("state", "available")).expect(200);
    }

    public static String state(Api api, String id) {
        return api.get("/api/v1/agents/" + id).expect(200).json().getString("state");
    }
}
