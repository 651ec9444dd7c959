package io.switchboard.cases;

/** Told of every case change this node commits (metrics); called once per committed change. */
public interface CaseObserver {
    void opened(Case opened);

    void changed(Case before, Case after);
}
