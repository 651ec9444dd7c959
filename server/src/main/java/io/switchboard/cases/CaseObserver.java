package io.switchboard.cases;

import java.util.List;

/** Told of every case change this node commits (metrics, SLA timers); called once per committed change. */
public interface CaseObserver {
    void opened(Case opened);

    void changed(Case before, Case after);

    /** An agent answered the customer on the case (a chat message, an email reply, a public note). */
    default void agentResponded(String caseId) {
    }

    /** Tells each observer in turn. */
    static CaseObserver all(CaseObserver... observers) {
        List<CaseObserver> list = List.of(observers);
        return new CaseObserver() {
            @Override
            public void opened(Case opened) {
                list.forEach(o -> o.opened(opened));
            }

            @Override
            public void changed(Case before, Case after) {
                list.forEach(o -> o.changed(before, after));
            }

            @Override
            public void agentResponded(String caseId) {
                list.forEach(o -> o.agentResponded(caseId));
            }
        };
    }
}
