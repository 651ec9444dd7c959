package io.switchboard.voice.ami;

import org.asteriskjava.manager.action.AbstractManagerAction;

/**
 * AMI {@code CancelAtxfer} (Asterisk 17+, main/manager.c): abandons the attended transfer the channel is
 * consulting in; the transfer target's leg ends and the transferer is back with the caller. Asterisk-Java
 * has no class for it.
 */
public final class CancelAtxferAction extends AbstractManagerAction {
    private static final long serialVersionUID = 1L;

    private String channel;

    public CancelAtxferAction(String channel) {
        this.channel = channel;
    }

    @Override
    public String getAction() {
        return "CancelAtxfer";
    }

    /** The transferer's channel (the one Atxfer was sent for). */
    public String getChannel() {
        return channel;
    }

    public void setChannel(String channel) {
        this.channel = channel;
    }
}
