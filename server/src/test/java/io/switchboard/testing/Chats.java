package io.switchboard.testing;

import io.vertx.core.json.JsonObject;

/** Web chats as tests drive them: the customer's pre-chat form, and an agent taking the chat. */
public final class Chats {
    private Chats() {
    }

    /** The customer fills in the pre-chat form (topic support, English); the {@code started} frame. */
    public static JsonObject start(AgentSocket customer, String name, String email) {
        customer.send(new JsonObject().put("type", "start").put("name", name).put("email", email)
                .put("topic", "support").put("language", "en"));
        return customer.await("started");
    }

    /** The agent becomes available and accepts the chat it is offered; the chat's interaction id. */
    public static String take(Api agent, String agentId) {
        try (AgentSocket desk = agent.events(agentId)) {
            Agents.available(agent, agentId);
            JsonObject offer = desk.await("offer");
            agent.post("/api/v1/reservations/" + offer.getString("reservation") + "/accept", "{}").expect(200);
            return offer.getString("interaction");
        }
    }
}
