package io.switchboard.voice.ami;

import org.asteriskjava.manager.event.UserEvent;

/**
 * {@code UserEvent(SwitchboardConsult,Transferer: ${TRANSFERERNAME},DialStatus: ${DIALSTATUS},
 * Peer: ${DIALEDPEERNAME})}, sent by the
 * {@code h} extension of the consult context (config/asterisk/extensions.conf) whenever a warm transfer's
 * consultation leg ends. Asterisk calls that leg directly, with no Dial events on the transferring agent's
 * channel; TRANSFERERNAME (set by bridge_basic.c on the leg) names that channel, DIALSTATUS says whether the
 * consulted phone ever answered, and DIALEDPEERNAME is the channel that answered. Asterisk-Java builds it by name: {@code UserEvent: SwitchboardConsult}.
 */
public final class SwitchboardConsultEvent extends UserEvent {
    private static final long serialVersionUID = 1L;

    private String transferer;
    private String dialStatus;
    private String peer;

    public SwitchboardConsultEvent(Object source) {
        super(source);
    }

    /** The transferring agent's channel (the one Atxfer was sent for). */
    public String getTransferer() {
        return transferer;
    }

    public void setTransferer(String transferer) {
        this.transferer = transferer;
    }

    /** ANSWER, or why nobody answered: NOANSWER, BUSY, CANCEL (the transfer gave up, e.g. atxfernoanswertimeout). */
    public String getDialStatus() {
        return dialStatus;
    }

    public void setDialStatus(String dialStatus) {
        this.dialStatus = dialStatus;
    }

    /** The channel that answered (the consulted phone, or the outside line); empty when nobody did. */
    public String getPeer() {
        return peer;
    }

    public void setPeer(String peer) {
        this.peer = peer;
    }
}
