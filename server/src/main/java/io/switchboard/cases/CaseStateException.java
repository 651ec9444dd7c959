package io.switchboard.cases;

/** A change the case's current state does not allow (a transition not in {@link CaseStatus#next()}). */
public final class CaseStateException extends RuntimeException {
    public CaseStateException(String message) {
        super(message);
    }
}
