package io.switchboard.simulator.pbx;

import java.util.Map;

/** Q.931 hangup causes with the texts of Asterisk's ast_cause2str(), as printed in {@code Cause-txt:}. */
public final class HangupCause {

    public static final int NOT_DEFINED = 0;
    public static final int UNALLOCATED = 1;
    public static final int NORMAL_CLEARING = 16;
    public static final int USER_BUSY = 17;
    public static final int NO_USER_RESPONSE = 18;
    public static final int NO_ANSWER = 19;
    public static final int CALL_REJECTED = 21;
    public static final int NORMAL_UNSPECIFIED = 31;
    public static final int CONGESTION = 34;

    private static final Map<Integer, String> TEXT = Map.ofEntries(
        Map.entry(0, "Unknown"),
        Map.entry(1, "Unallocated (unassigned) number"),
        Map.entry(2, "No route to specified transmit network"),
        Map.entry(3, "No route to destination"),
        Map.entry(6, "Channel unacceptable"),
        Map.entry(7, "Call awarded and being delivered in an established channel"),
        Map.entry(16, "Normal Clearing"),
        Map.entry(17, "User busy"),
        Map.entry(18, "No user responding"),
        Map.entry(19, "User alerting, no answer"),
        Map.entry(20, "Subscriber absent"),
        Map.entry(21, "Call Rejected"),
        Map.entry(22, "Number changed"),
        Map.entry(23, "Redirected to new destination"),
        Map.entry(26, "Answered elsewhere"),
        Map.entry(27, "Destination out of order"),
        Map.entry(28, "Invalid number format"),
        Map.entry(29, "Facility rejected"),
        Map.entry(30, "Response to STATus ENQuiry"),
        Map.entry(31, "Normal, unspecified"),
        Map.entry(34, "Circuit/channel congestion"),
        Map.entry(38, "Network out of order"),
        Map.entry(41, "Temporary failure"),
        Map.entry(42, "Switching equipment congestion"),
        Map.entry(43, "Access information discarded"),
        Map.entry(44, "Requested channel not available"),
        Map.entry(50, "Facility not subscribed"),
        Map.entry(52, "Outgoing call barred"),
        Map.entry(54, "Incoming call barred"),
        Map.entry(57, "Bearer capability not authorized"),
        Map.entry(58, "Bearer capability not available"),
        Map.entry(65, "Bearer capability not implemented"),
        Map.entry(66, "Channel not implemented"),
        Map.entry(69, "Facility not implemented"),
        Map.entry(81, "Invalid call reference value"),
        Map.entry(88, "Incompatible destination"),
        Map.entry(95, "Invalid message unspecified"),
        Map.entry(96, "Mandatory information element is missing"),
        Map.entry(97, "Message type nonexist."),
        Map.entry(98, "Wrong message"),
        Map.entry(99, "Info. element nonexist or not implemented"),
        Map.entry(100, "Invalid information element contents"),
        Map.entry(101, "Message not compatible with call state"),
        Map.entry(102, "Recover on timer expiry"),
        Map.entry(111, "Protocol error, unspecified"),
        Map.entry(127, "Interworking, unspecified"));

    private HangupCause() {
    }

    public static String text(int cause) {
        return TEXT.getOrDefault(cause, "Unknown");
    }
}
