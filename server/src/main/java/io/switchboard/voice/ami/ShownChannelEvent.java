package io.switchboard.voice.ami;

import org.asteriskjava.manager.AsteriskMapping;
import org.asteriskjava.manager.event.CoreShowChannelEvent;

/**
 * One channel of a CoreShowChannels listing, with the {@code ChannelState} Asterisk sends and Asterisk-Java's own
 * event class drops: the re-sync after a reconnect needs it to tell a call out whose agent answered (Up, the dialplan
 * now dialling the customer) from one whose agent's phone still rings, when neither is bridged yet.
 */
@AsteriskMapping("CoreShowChannel")
public final class ShownChannelEvent extends CoreShowChannelEvent {
    private static final long serialVersionUID = 1L;
    /** Asterisk's AST_STATE_UP. */
    static final int STATE_UP = 6;

    private Integer channelState;

    public ShownChannelEvent(Object source) {
        super(source);
    }

    public Integer getChannelState() {
        return channelState;
    }

    public void setChannelState(Integer channelState) {
        this.channelState = channelState;
    }

    boolean up() {
        return channelState != null && channelState == STATE_UP;
    }
}
