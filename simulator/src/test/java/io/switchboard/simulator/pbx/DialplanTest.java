package io.switchboard.simulator.pbx;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The captured extensions.conf as the simulator reads it. */
class DialplanTest {

    private final Dialplan plan = Dialplan.defaults();

    @Test
    void readsTheCapturedDialplan() {
        assertEquals(new DialplanStep("NoOp", "inbound ${CALLERID(num)}"), plan.find("from-pstn", "8000", 1));
        assertEquals(new DialplanStep("Answer", ""), plan.find("from-pstn", "8000", 2));
        assertEquals(new DialplanStep("AGI", "agi://${SB_AGI}/inbound"), plan.find("from-pstn", "8000", 3));
        assertEquals(new DialplanStep("Wait", "3600"), plan.find("from-pstn", "555123", 4));
        assertEquals(new DialplanStep("Dial", "Local/${EXTEN}@agents,15"), plan.find("connect", "101", 1));
        assertEquals(new DialplanStep("Queue", "support,,,,300"), plan.find("queue-test", "8001", 2));
        assertEquals("5", plan.globals().get("AGENT_TALK"));
        assertNull(plan.find("from-pstn", "8000", 6));
        assertTrue(plan.exists("caller", "s", 2));
        assertFalse(plan.extensionExists("caller", "100"));
    }

    @Test
    void patternsLabelsAndIncludes() {
        Dialplan p = Dialplan.parse("""
            [a]
            exten => _NXX,1,NoOp(three)
             same => n(second),Wait(1)
            exten => 200,1,NoOp(exact wins)
            exten => _[1-3]!,1,NoOp(set)
            include => b
            [b]
            exten => s,1,Hangup(17) ; a comment
            """);
        assertEquals("three", p.find("a", "555", 1).data());
        assertEquals(2, p.findLabel("a", "555", "second"));
        assertEquals("exact wins", p.find("a", "200", 1).data());
        assertEquals("set", p.find("a", "3", 1).data());
        assertEquals("17", p.find("a", "s", 1).data());
        assertNull(p.find("a", "055", 1));
    }

    @Test
    void substitutesVariablesAndFunctions() {
        assertEquals("inbound 1555 x", Substitution.apply("inbound ${CALLERID(num)} ${V:1:1}", n -> switch (n) {
            case "CALLERID(num)" -> "1555";
            case "V" -> "axb";
            default -> null;
        }));
        assertEquals("[]", Substitution.apply("[${UNSET}]", n -> null));
        assertEquals("Local/101@agents,15", Substitution.apply("Local/${EXTEN}@agents,15", n -> "101"));
    }
}
