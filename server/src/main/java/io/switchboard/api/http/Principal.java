package io.switchboard.api.http;

import io.switchboard.engine.ApiException;

/**
 * Who is calling: an admin or supervisor key, or an agent's token (which speaks for that agent only, in the session it
 * was issued in; 0 for staff).
 */
public record Principal(Role role, String agentId, long session) {
    public enum Role { ADMIN, SUPERVISOR, AGENT }

    public static final String CONTEXT_KEY = "principal";

    public boolean isAgent() {
        return role == Role.AGENT;
    }

    /** Agents may act on themselves only; admins and supervisors on anyone. */
    public void requireSelfOrStaff(String agent) {
        if (isAgent() && !agentId.equals(agent)) {
            throw ApiException.forbidden("an agent may act only on its own state and reservations");
        }
    }

    public void requireStaff() {
        if (isAgent()) {
            throw ApiException.forbidden("needs an admin or supervisor key");
        }
    }

    public void requireAdmin() {
        if (role != Role.ADMIN) {
            throw ApiException.forbidden("needs the admin key");
        }
    }
}
