package io.switchboard.simulator.pbx;

/**
 * Whatever currently drives a channel: its dialplan (PbxRunner), the single application an Originate put on
 * it, or the Dial/Queue that owns it as an outgoing leg. Hangups and redirects are delivered here, and the
 * driver decides which events follow and when the channel is destroyed, as the corresponding Asterisk code
 * does.
 */
public interface ChannelDriver {

    /** The channel was asked to hang up (by its peer, the caller, or AMI). Must end in {@code Pbx.destroy}. */
    void hangupRequested(Channel channel);

    /** AMI Redirect: stop the current activity and continue at {@code target}. */
    void redirect(Channel channel, DialplanLocation target);
}
