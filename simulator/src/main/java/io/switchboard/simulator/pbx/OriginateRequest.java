package io.switchboard.simulator.pbx;

import java.time.Duration;
import java.util.Map;

/**
 * The parameters of an AMI Originate.
 *
 * @param channel     {@code Local/<exten>@<context>[/n]}
 * @param application application to run on the answered channel (or null to run the dialplan)
 * @param context     with exten and priority: where the answered channel continues in the dialplan
 * @param timeout     how long to wait for an answer (Originate's Timeout, default 30 s)
 * @param actionId    echoed in OriginateResponse (async only)
 * @param channelId   the uniqueid the caller chose for the outgoing channel (Originate's ChannelId), or null
 * @param otherChannelId the uniqueid of a Local channel's {@code ;2} (OtherChannelId), or null
 */
public record OriginateRequest(
    String channel,
    String application,
    String data,
    String context,
    String exten,
    int priority,
    String callerIdNum,
    String callerIdName,
    Duration timeout,
    Map<String, String> variables,
    String account,
    String actionId,
    boolean async,
    String channelId,
    String otherChannelId) {
}
