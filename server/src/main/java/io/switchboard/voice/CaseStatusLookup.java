package io.switchboard.voice;

import io.switchboard.engine.CaseService;
import io.switchboard.voice.ivr.CaseDirectory;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The IVR's case-status self-service over the case module: a caller keys the digits of a case number
 * ({@code C-10001} is keyed 10001) and hears the status prompt {@code switchboard/case-<status>}.
 * Blocking: called on the call's virtual thread.
 */
public final class CaseStatusLookup implements CaseDirectory {
    private final CaseService cases;

    public CaseStatusLookup(CaseService cases) {
        this.cases = cases;
    }

    @Override
    public Optional<String> status(String caseNumber) {
        if (!caseNumber.matches("\\d{1,12}")) {
            return Optional.empty();
        }
        try {
            return Optional.of("switchboard/case-" + cases.get("C-" + caseNumber).toCompletionStage()
                    .toCompletableFuture().get(5, TimeUnit.SECONDS).status().wireName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty(); // unknown case: the IVR hands the caller to an agent with the number
        }
    }
}
