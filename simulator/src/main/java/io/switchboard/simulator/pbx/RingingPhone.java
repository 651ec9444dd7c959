package io.switchboard.simulator.pbx;

import io.switchboard.simulator.time.Cancellable;

import java.time.Duration;

/** {@code ;2} of an agent phone's Local channel while the simulated phone rings and nobody has picked up. */
final class RingingPhone implements ChannelDriver {

    private final Pbx pbx;
    private final LocalPair pair;
    private Cancellable timer = Cancellable.NONE;

    RingingPhone(Pbx pbx, LocalPair pair) {
        this.pbx = pbx;
        this.pair = pair;
    }

    void answerIn(Duration delay) {
        timer = pbx.clock().schedule(delay, () -> {
            if (pair.two().driver() == this) {
                pbx.pickUp(pair);
            }
        });
    }

    @Override
    public void hangupRequested(Channel ch) {
        timer.cancel();
        pbx.destroy(ch, false);
    }

    @Override
    public void redirect(Channel ch, DialplanLocation target) {
        timer.cancel();
        new PbxRunner(pbx, ch).start(target);
    }
}
