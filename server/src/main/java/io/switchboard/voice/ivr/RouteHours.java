package io.switchboard.voice.ivr;

import java.time.ZonedDateTime;
import java.util.Optional;

/** Whether the route a caller asked for is open: the IVR's view of the queues' hours of operation. */
public interface RouteHours {
    /** Every route open at all hours: an IVR without {@code closed:} never asks. */
    RouteHours ALWAYS_OPEN = wanted -> Optional.empty();

    /**
     * When every queue the call would wait in is closed: the first opening among them. Empty when one is open.
     * Blocking (the call's virtual thread).
     */
    Optional<ZonedDateTime> closedUntil(IvrOutcome wanted);
}
