package io.switchboard.voice.ivr;

import java.util.Optional;

/** Looks up a case's status for self-service by its number (cases arrive with the case module). */
@FunctionalInterface
public interface CaseDirectory {
    /** The status words to read back, or empty when there is no such case. */
    Optional<String> status(String caseNumber);

    CaseDirectory NONE = number -> Optional.empty();
}
