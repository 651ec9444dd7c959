package io.switchboard.voice.agi;

import io.micrometer.core.instrument.Counter;
import java.net.InetAddress;
import java.util.function.Predicate;
import org.asteriskjava.fastagi.AgiChannel;
import org.asteriskjava.fastagi.AgiException;
import org.asteriskjava.fastagi.AgiRequest;
import org.asteriskjava.fastagi.AgiScript;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a script only for the hosts allowed to (voice.agiAllowedHosts: the Asterisk servers). A FastAGI session names its
 * own channel and unique id: one from anywhere else could have a waiting caller's call turned into a callback, or
 * another channel redirected to an agent.
 */
public final class AsteriskOnly implements AgiScript {
    private static final Logger LOG = LoggerFactory.getLogger(AsteriskOnly.class);

    private final Predicate<String> isAsterisk;
    private final AgiScript script;
    private final Counter refused;

    public AsteriskOnly(Predicate<String> isAsterisk, AgiScript script, Counter refused) {
        this.isAsterisk = isAsterisk;
        this.script = script;
        this.refused = refused;
    }

    @Override
    public void service(AgiRequest request, AgiChannel channel) throws AgiException {
        InetAddress peer = request.getRemoteAddress();
        String address = peer == null ? "" : peer.getHostAddress();
        if (!isAsterisk.test(address)) {
            refused.increment();
            LOG.warn("FastAGI session from {} refused: not one of voice.agiAllowedHosts", address);
            channel.hangup(); // else the dialplan goes on to the hold line: music for ever, for nobody
            return;
        }
        script.service(request, channel);
    }
}
