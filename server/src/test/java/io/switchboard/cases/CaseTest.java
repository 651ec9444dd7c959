package io.switchboard.cases;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CaseTest {
    private static final long T0 = 1_700_000_000_000L;

    private static Case serviceRequest() {
        return Case.open("C-10001", CaseType.SERVICE_REQUEST, "cust-1", "Router does not connect", null, null, null,
                null, T0);
    }

    @Test
    void aNewCaseIsNewAndNormal() {
        Case c = serviceRequest();
        assertEquals(CaseStatus.NEW, c.status());
        assertEquals(CasePriority.NORMAL, c.priority());
        assertEquals("", c.agentId());
        assertFalse(c.firstContactResolution());
    }

    @Test
    void onlyTheAllowedTransitionsHappen() {
        Case open = serviceRequest().moveTo(CaseStatus.OPEN, T0 + 1);
        Case pending = open.moveTo(CaseStatus.PENDING_CUSTOMER, T0 + 2);
        assertEquals(CaseStatus.OPEN, pending.moveTo(CaseStatus.OPEN, T0 + 3).status());
        Case closed = pending.moveTo(CaseStatus.CLOSED, T0 + 3);
        CaseStateException e = assertThrows(CaseStateException.class, () -> closed.moveTo(CaseStatus.OPEN, T0 + 4));
        assertTrue(e.getMessage().contains("cannot go from closed to open"), e.getMessage());
        assertThrows(CaseStateException.class, () -> open.moveTo(CaseStatus.NEW, T0 + 4));
        assertThrows(CaseStateException.class, () -> closed.addNote(new CaseNote(T0, "ann", "late"), T0 + 5));
        assertThrows(IllegalArgumentException.class, () -> open.moveTo(CaseStatus.RESOLVED, T0 + 4),
                "resolving needs a resolution");
    }

    @Test
    void resolvedOnItsFirstInteractionIsFirstContactResolution() {
        Case c = serviceRequest().link("call-1", T0).moveTo(CaseStatus.OPEN, T0)
                .resolve("Reset the router", "fixed", T0 + 60_000);
        assertTrue(c.firstContactResolution());
        assertEquals(List.of("fixed"), c.dispositions());
        assertEquals(T0 + 60_000, c.resolvedAt());
        assertEquals(CaseStatus.CLOSED, c.moveTo(CaseStatus.CLOSED, T0 + 70_000).status());
    }

    @Test
    void aSecondInteractionOrAReopenIsNotFirstContactResolution() {
        Case twoContacts = serviceRequest().link("call-1", T0).link("chat-2", T0 + 1).resolve("Replaced", "fixed", T0 + 2);
        assertFalse(twoContacts.firstContactResolution());

        Case once = serviceRequest().link("call-1", T0).resolve("Reset", "fixed", T0 + 1);
        Case reopened = once.moveTo(CaseStatus.OPEN, T0 + 2);
        assertFalse(reopened.firstContactResolution());
        assertEquals(0, reopened.resolvedAt());
        assertFalse(reopened.resolve("Reset again", null, T0 + 3).firstContactResolution());
    }

    @Test
    void theCustomerComingBackOpensACasePendingOnThem() {
        Case pending = serviceRequest().link("call-1", T0).moveTo(CaseStatus.PENDING_CUSTOMER, T0 + 1);
        assertEquals(CaseStatus.OPEN, pending.link("email-2", T0 + 2).status());
        assertEquals(CaseStatus.PENDING_CUSTOMER, pending.link("call-1", T0 + 2).status(), "nothing new linked");
        assertEquals(CaseStatus.NEW, serviceRequest().link("call-1", T0).status(), "only a pending case moves");
    }

    @Test
    void linkingIsIdempotent() {
        Case c = serviceRequest().link("call-1", T0).link("call-1", T0 + 1);
        assertEquals(List.of("call-1"), c.interactions());
    }

    @Test
    void aComplaintCarriesItsCategoryAndUniformResponse() {
        Complaint complaint = new Complaint(ComplaintCategory.DELIVERY, "Blender X2", "Delivered 6 days late", null);
        Case c = Case.open("C-10002", CaseType.COMPLAINT, "cust-1", "Late delivery", CasePriority.HIGH, null, "care",
                complaint, T0);
        Case answered = c.withComplaint(new Complaint(ComplaintCategory.DELIVERY, "Blender X2", "Delivered 6 days late",
                new Complaint.UniformResponse("We are sorry", "Carrier changed", new Complaint.Gesture("voucher", 15))),
                T0 + 1);
        assertEquals(15.0, answered.complaint().response().gesture().value());
        assertThrows(IllegalArgumentException.class, () -> Case.open("C-1", CaseType.COMPLAINT, "cust-1", "x", null,
                null, null, null, T0), "a complaint needs its category");
        assertThrows(IllegalArgumentException.class, () -> Case.open("C-1", CaseType.RETURN, "cust-1", "x", null,
                null, null, complaint, T0), "only complaints carry one");
        assertThrows(IllegalArgumentException.class, () -> new Complaint.Gesture("voucher", -1));
        assertThrows(IllegalArgumentException.class, () -> ComplaintCategory.parse("anything-goes"));
    }
}
