package io.switchboard.simulator.pbx;

/**
 * A Local channel: {@code Local/<exten>@<context>-<8 hex>;1} faces the requester, {@code ;2} runs the
 * dialplan at exten@context. Hangups on one half are passed to the other as Asterisk's unreal driver does.
 */
public final class LocalPair {

    private final Channel one;
    private final Channel two;
    private final String exten;
    private final String context;
    private final boolean optimize;
    private final PairOwner owner;
    private boolean answered;

    LocalPair(Channel one, Channel two, String exten, String context, boolean optimize, PairOwner owner) {
        this.one = one;
        this.two = two;
        this.exten = exten;
        this.context = context;
        this.optimize = optimize;
        this.owner = owner;
    }

    public Channel one() {
        return one;
    }

    public Channel two() {
        return two;
    }

    public String exten() {
        return exten;
    }

    public String context() {
        return context;
    }

    public boolean optimize() {
        return optimize;
    }

    PairOwner owner() {
        return owner;
    }

    public boolean answered() {
        return answered;
    }

    void answered(boolean value) {
        this.answered = value;
    }

    /** The device name device-state events use: {@code Local/101@agents}. */
    public String device() {
        return "Local/" + exten + "@" + context;
    }

    /** Dial string as DialBegin shows it for a Local channel requested as {@code exten@context}. */
    public String dialString() {
        return exten + "@" + context + (optimize ? "" : "/n");
    }

    public boolean bothDestroyed() {
        return one.destroyed() && two.destroyed();
    }
}
