package io.switchboard.voice.ivr;

import java.time.ZonedDateTime;
import java.util.Optional;

/** Whether the route a caller asked for is open: the IVR's view of the queues' hours of operation. */
public interface RouteHours {
    /**
     * Every queue of the route is closed.
     *
     * @param opens the first opening among them, in its calendar's zone
     * @param callbackPossible a callback can be left for then (the caller's number is known, and the rules route a
     *                         callback)
     */
    record Closed(ZonedDateTime opens, boolean callbackPossible) {
    }

    /** For tests of the menus alone. */
    RouteHours ALWAYS_OPEN = wanted -> Optional.empty();

    /** Empty when one queue of the route is open. Blocking (the call's virtual thread). */
    Optional<Closed> closedUntil(IvrOutcome wanted);
}
