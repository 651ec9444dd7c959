package io.switchboard.simulator.pbx;

/**
 * AMI Bridge: both channels leave what they were doing (their application stops) and are bridged; when one
 * hangs up the other continues at its next priority (or hangs up if it had no dialplan).
 */
final class ActionBridge implements ChannelDriver {

    private final Pbx pbx;
    private final Channel a;
    private final Channel b;
    private final PbxRunner aRunner;
    private final PbxRunner bRunner;
    private Bridge bridge;
    private int ready;
    private boolean over;

    ActionBridge(Pbx pbx, Channel a, Channel b) {
        this.pbx = pbx;
        this.a = a;
        this.b = b;
        this.aRunner = a.driver() instanceof PbxRunner r ? r : null;
        this.bRunner = b.driver() instanceof PbxRunner r ? r : null;
    }

    /** Only channels running a dialplan or an originated application can be taken out and bridged. */
    static boolean canBridge(Channel c) {
        return c.alive() && !c.hangupRequested() && c.bridge() == null
            && (c.driver() instanceof PbxRunner || c.driver() instanceof AppOnlyRunner);
    }

    void start() {
        yank(a);
        yank(b);
    }

    private void yank(Channel c) {
        if (c.driver() instanceof PbxRunner r) {
            r.yank(this::oneReady);
        } else if (c.driver() instanceof AppOnlyRunner r) {
            r.yank(this::oneReady);
        }
    }

    private void oneReady() {
        if (++ready < 2) {
            return;
        }
        a.driver(this);
        b.driver(this);
        bridge = pbx.createBridge();
        pbx.enterBridge(bridge, a);
        pbx.enterBridge(bridge, b);
        pbx.setVariable(a, "BRIDGEPEER", b.name());
        pbx.setVariable(b, "BRIDGEPEER", a.name());
    }

    private void end(Channel leaving, DialplanLocation redirectTo) {
        if (over) {
            return;
        }
        over = true;
        Channel other = leaving == a ? b : a;
        pbx.setVariable(a, "BRIDGEPEER", "");
        pbx.setVariable(b, "BRIDGEPEER", "");
        pbx.leaveBridge(bridge, leaving);
        pbx.leaveBridge(bridge, other);
        pbx.destroyBridge(bridge);
        if (redirectTo != null) {
            pbx.masqueradeIntoPbx(leaving, redirectTo);
        } else {
            pbx.destroy(leaving, runnerOf(leaving) != null);
        }
        release(other);
    }

    private void release(Channel c) {
        if (c.destroyed()) {
            return;
        }
        PbxRunner runner = runnerOf(c);
        if (runner != null) {
            runner.resumeNext();
        } else {
            pbx.destroy(c, false);
        }
    }

    private PbxRunner runnerOf(Channel c) {
        return c == a ? aRunner : bRunner;
    }

    @Override
    public void hangupRequested(Channel ch) {
        if (bridge == null) {
            pbx.destroy(ch, false);
            return;
        }
        end(ch, null);
    }

    @Override
    public void redirect(Channel ch, DialplanLocation target) {
        if (bridge == null) {
            pbx.masqueradeIntoPbx(ch, target);
            return;
        }
        end(ch, target);
    }
}
