package io.switchboard.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.cases.Case;
import io.switchboard.cases.CaseType;
import io.switchboard.cases.Complaint;
import io.switchboard.cases.ComplaintCategory;
import io.switchboard.routing.Channel;
import io.switchboard.routing.Customer;
import io.switchboard.routing.InteractionRequest;
import io.switchboard.sla.Escalation;
import io.switchboard.sla.SlaPolicies;
import io.switchboard.sla.SlaPolicy;
import io.switchboard.sla.SlaSubject;
import io.switchboard.sla.SlaTarget;
import io.switchboard.testing.Repo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped config/sla.yaml loads and matches; bad files are rejected with their line. */
class SlaPolicyLoaderTest {
    private final SlaPolicyLoader loader = new SlaPolicyLoader();

    private static Map<String, Object> subject(String channel, String tier, String queue) {
        Customer customer = new Customer("c1", "", tier, 0, List.of(), List.of(), "");
        return SlaSubject.variables(new InteractionRequest(Channel.parse(channel), Map.of(), "c1", null, 0), customer, queue);
    }

    @Test
    void theShippedFileLoadsAndFirstMatchWins() {
        SlaPolicies policies = loader.load(Repo.root().resolve("config/sla.yaml"));
        assertEquals("vip-voice", policies.match(subject("voice", "gold", "support")).orElseThrow().name());
        assertEquals("voice", policies.match(subject("voice", "standard", "support")).orElseThrow().name());
        SlaPolicy email = policies.match(subject("email", "standard", "email")).orElseThrow();
        assertEquals("email", email.name());
        assertEquals(Duration.ofHours(4), email.target(SlaTarget.ANSWER).orElseThrow());
        assertEquals(Duration.ofDays(3), email.target(SlaTarget.RESOLUTION).orElseThrow());
        assertEquals("office", email.time().name());
        assertEquals(List.of(Escalation.Action.WARN, Escalation.Action.BREACH, Escalation.Action.RAISE_PRIORITY,
                Escalation.Action.SEVERITY_MAJOR, Escalation.Action.SEVERITY_CRITICAL),
                email.steps().stream().map(Escalation::action).toList());
        assertEquals("default", policies.match(Map.of("channel", "other", "attributes", Map.of(), "customer",
                Map.of("tier", "x"), "queue", "q")).orElseThrow().name());
    }

    @Test
    void casesMatchByTypeAndFirstChannel() {
        SlaPolicies policies = loader.load(Repo.root().resolve("config/sla.yaml"));
        Customer customer = new Customer("c1", "", "standard", 0, List.of(), List.of(), "");
        Case complaint = Case.open("C-1", CaseType.COMPLAINT, "c1", "Late", null, null, null,
                new Complaint(ComplaintCategory.DELIVERY, "", "", null), 0);
        SlaPolicy forComplaint = policies.match(SlaSubject.variables(complaint, customer, "email")).orElseThrow();
        assertEquals("complaint", forComplaint.name());
        assertEquals(Duration.ofHours(48), forComplaint.target(SlaTarget.RESOLUTION).orElseThrow());
        assertEquals("office", forComplaint.time().name());
        assertTrue(forComplaint.pauseWhenPendingCustomer());
        assertTrue(forComplaint.steps().stream().anyMatch(e -> e.action() == Escalation.Action.NOTIFY));

        Case request = Case.open("C-2", CaseType.SERVICE_REQUEST, "c1", "Router", null, null, null, null, 0);
        SlaPolicy byEmail = policies.match(SlaSubject.variables(request, customer, "email")).orElseThrow();
        assertEquals("email", byEmail.name());
        assertEquals(Duration.ofHours(4), byEmail.target(SlaTarget.FIRST_RESPONSE).orElseThrow());
        assertEquals(Duration.ofHours(8), byEmail.target(SlaTarget.NEXT_RESPONSE).orElseThrow());
        assertEquals("default", policies.match(SlaSubject.variables(request, customer, "")).orElseThrow().name());
        assertEquals("email", policies.match(subject("email", "standard", "email")).orElseThrow().name(),
                "an interaction never matches a case expression");
    }

    @Test
    void queueIsInTheVocabulary() {
        SlaPolicies policies = loader.read(YamlNode.parse("sla.yaml", """
                policies:
                  - name: billing
                    match: 'queue == "billing"'
                    targets: {answer: 30}
                """));
        assertEquals("billing", policies.match(subject("chat", "standard", "billing")).orElseThrow().name());
        assertTrue(policies.match(subject("chat", "standard", "support")).isEmpty(), "no default: no agreement");
    }

    @Test
    void noFileNoAgreements() {
        assertSame(SlaPolicies.NONE, loader.load(Repo.root().resolve("config/none.yaml")));
    }

    private void rejected(String yaml, int line, String reason) {
        RuleFileException e = assertThrows(RuleFileException.class, () -> loader.read(YamlNode.parse("sla.yaml", yaml)));
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith("sla.yaml:" + line + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void badFilesAreRejectedWithTheirLine() {
        rejected("""
                policies:
                  - name: chat
                    match: 'channel == "chat"'
                    targets: {answer: 60}
                    escalations:
                      - {at: 0.75, action: shout}
                """, 6, "action must be warn, breach, raise_priority, widen or notify");
        rejected("""
                policies:
                  - name: chat
                    match: 'channel == "chat"'
                    targets: {answer: 60}
                    escalations:
                      - {at: 1.5, action: breach}
                """, 6, "a breach is at 1.0 (the target itself), not 1.5");
        rejected("""
                policies:
                  - name: chat
                    match: 'channel == "chat"'
                    targets: {answer: 60}
                    escalations:
                      - {at: 1.0, action: breach}
                      - {at: 1.0, action: breach}
                """, 7, "one breach step per policy");
        rejected("""
                policies:
                  - name: chat
                    match: 'channel = "chat"'
                    targets: {answer: 60}
                """, 3, "invalid expression");
        rejected("""
                policies:
                  - name: email
                    match: 'true'
                    calendar: office
                    targets: {answer: 4h}
                """, 4, "no calendar 'office'");
        rejected("""
                calendars:
                  office:
                    timeZone: Mars/Olympus
                    hours: {monday: "09:00-17:00"}
                """, 3, "unknown time zone");
        rejected("""
                calendars:
                  office:
                    timeZone: UTC
                    hours:
                      monday: "17:00-09:00"
                """, 5, "end after they start");
        rejected("""
                default:
                  targets: {answer: 4 hours}
                """, 2, "a duration is whole seconds");
        rejected("""
                default:
                  targets: {answer: 60}
                  escalations:
                    - {at: 1.0, action: warn, points: 5}
                """, 4, "'points' is for raise_priority only");
        rejected("""
                policy: []
                """, 1, "unknown key 'policy'");
    }
}
