package io.switchboard.simulator.pbx;

/**
 * AMI Bridge: both channels leave what they were doing (their application stops) and are bridged; when one
 * hangs up the other continues at its next priority (or hangs up if it had no dialplan). Either channel may
 * start an attended transfer (Atxfer), as in any bridge: once completed, the target takes its place.
 */
final class ActionBridge implements ChannelDriver, BridgedLeg, BridgeOwner {

    private final Pbx pbx;
    private Channel a;
    private Channel b;
    private PbxRunner aRunner;
    private PbxRunner bRunner;
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
    public BridgeOwner owner() {
        return this;
    }

    /** An attended transfer completed: the target's Local half takes the transferer's place in the bridge. */
    @Override
    public boolean replaceLeg(Channel old, Channel replacement, LocalPair pair) {
        if (bridge == null || over || (old != a && old != b)) {
            return false;
        }
        Channel other = old == a ? b : a;
        pbx.setVariable(old, "BRIDGEPEER", "");
        pbx.leaveBridge(bridge, old);
        if (old == a) {
            a = replacement;
            aRunner = null; // the target's half has no dialplan: it hangs up when the bridge ends
        } else {
            b = replacement;
            bRunner = null;
        }
        replacement.driver(this);
        pbx.enterBridge(bridge, replacement);
        pbx.setVariable(replacement, "BRIDGEPEER", other.name());
        pbx.setVariable(other, "BRIDGEPEER", replacement.name());
        old.driver(null);
        old.hangupCause(HangupCause.NORMAL_CLEARING);
        pbx.destroy(old, false);
        return true;
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
