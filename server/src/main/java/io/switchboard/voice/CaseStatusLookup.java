package io.switchboard.voice;

import io.switchboard.cases.Case;
import io.switchboard.engine.CaseService;
import io.vertx.core.Future;
import io.switchboard.voice.ivr.CaseDirectory;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The IVR's case-status self-service over the case module: a caller keys the digits of a case number
 * ({@code C-10001} is keyed 10001) and hears the status prompt {@code switchboard/case-<status>}, if the case is
 * the customer's whose phone number calls. Blocking: called on the call's virtual thread.
 */
public final class CaseStatusLookup {
    private final CaseService cases;
    private final Function<String, Future<String>> customerByPhone;

    public CaseStatusLookup(CaseService cases, Function<String, Future<String>> customerByPhone) {
        this.cases = cases;
        this.customerByPhone = customerByPhone;
    }

    /** The cases this caller may hear the status of. */
    public CaseDirectory forCaller(String callerId) {
        return number -> status(number, callerId);
    }

    private Optional<String> status(String caseNumber, String callerId) {
        if (!caseNumber.matches("\\d{1,12}") || !VoiceChannel.dialable(callerId)) {
            return Optional.empty();
        }
        try {
            Case found = get(cases.get("C-" + caseNumber));
            if (!found.customerId().equals(get(customerByPhone.apply(callerId)))) {
                return Optional.empty(); // an agent takes the caller, with the number at hand, and checks who calls
            }
            return Optional.of("switchboard/case-" + found.status().wireName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty(); // unknown case: the IVR hands the caller to an agent with the number
        }
    }

    private static <T> T get(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
