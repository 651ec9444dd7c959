package io.switchboard.voice.ivr;

/**
 * The caller's side of the line as the IVR uses it: blocking calls, made on the call's own virtual
 * thread. The FastAGI adapter implements it with AGI commands.
 */
public interface CallerLine {
    /** Plays a prompt; returns a digit pressed during it, or null. */
    String play(String prompt);

    /** Plays a prompt and collects up to maxDigits; empty = no input; null = the caller hung up. */
    String collect(String prompt, int timeoutSeconds, int maxDigits);

    void sayDigits(String digits);

    /** Says a day and time ("today at 8 AM", or the date and the hour) as the clock shows it in that zone. */
    void sayDateTime(java.time.ZonedDateTime time);

    void setVariable(String name, String value);

    boolean hungUp();

    /** Asks whether the caller is still on the line (a menu's "no input" may have been a hang-up). */
    boolean alive();
}
