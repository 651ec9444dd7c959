package io.switchboard.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.routing.Agent;
import io.switchboard.routing.Channel;
import io.switchboard.routing.Customer;
import io.switchboard.routing.InteractionRequest;
import io.switchboard.routing.PriorityPolicy;
import io.switchboard.routing.RoutePlan;
import io.switchboard.routing.RoutePlanner;
import io.switchboard.routing.RoutingRules;
import io.switchboard.testing.Repo;
import io.switchboard.testing.Rules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesLoaderTest {
    private final RulesLoader loader = new RulesLoader("default", () -> Set.of("office"));

    @Test
    void theShippedRulesLoadAndRouteAsDocumented() {
        RoutingRules rules = loader.load(Repo.root().resolve("routing-rules"));
        RoutePlanner planner = new RoutePlanner(rules, PriorityPolicy.DEFAULT);
        Customer gold = new Customer("c1", "Ann", "gold", 5000, List.of(), List.of(), "en");

        RoutePlan spanishBilling = planner.plan(request(Channel.CHAT, Map.of("language", "es", "intent", "billing")), gold);
        assertEquals("spanish-billing", spanishBilling.filter());
        assertEquals(List.of("billing", "billing", "billing", "general"),
                spanishBilling.steps().stream().map(s -> s.queue()).toList(), "three billing steps, then overflow");
        assertEquals(300, spanishBilling.steps().get(2).timeoutSeconds(), "billing's max wait bounds the last step");
        assertEquals(25.0, spanishBilling.basePriority(), "gold 20 + 5000/1000 lifetime points");

        RoutePlan vip = planner.plan(request(Channel.VOICE, Map.of()), gold);
        assertEquals("vip-support", vip.filter());
        assertEquals(10, vip.steps().get(0).priority());

        RoutePlan plain = planner.plan(request(Channel.VOICE, Map.of()), Customer.anonymous("x"));
        assertEquals("default", plain.filter());
        assertEquals("support", plain.firstQueue());
        assertEquals(0.0, plain.basePriority());
    }

    @Test
    void agentsBelongToThePoolsTheirSkillsAllow() {
        RoutingRules rules = loader.load(Repo.root().resolve("routing-rules"));
        Agent expert = new Agent("a1", null, null, null, Map.of("billing", 9, "spanish", 6), null, null);
        Agent novice = new Agent("a2", null, null, null, Map.of("billing", 3), null, null);
        assertTrue(rules.poolsFor(expert).get(Channel.VOICE).containsAll(List.of("billing", "general", "@a1")));
        assertEquals(6, rules.poolsFor(expert).get(Channel.VOICE).size(),
                "billing, general, two Spanish billing steps, billing >= 7, own");
        assertEquals(java.util.Set.of("general", "billing", "@a2"), rules.poolsFor(novice).get(Channel.VOICE),
                "the novice misses 'billing >= 7' and the Spanish steps");
    }

    @Test
    void aQueueServesOnlyTheChannelsItLists() {
        RoutingRules rules = loader.load(Repo.root().resolve("routing-rules"));
        Agent blended = new Agent("a3", null, null, null, Map.of("support", 5), null, null);
        var pools = rules.poolsFor(blended);
        assertTrue(pools.get(Channel.EMAIL).contains("email"), pools.toString());
        assertFalse(pools.get(Channel.VOICE).contains("email"), "the shipped email queue serves email only");
        assertFalse(pools.get(Channel.CHAT).stream().anyMatch(p -> p.startsWith("email")), pools.toString());
        assertTrue(pools.get(Channel.VOICE).containsAll(List.of("support", "general", "@a3")), pools.toString());
    }

    @Test
    void stepsWhoseQueueDoesNotServeTheChannelArePassedOver(@TempDir Path temp) {
        RoutingRules rules = loader.load(Rules.folder(temp, """
                queues:
                  mail: {channels: [email]}
                  desk: {}
                workflow: default
                default: {steps: [{queue: mail, timeoutSeconds: 30}, {queue: desk}]}
                """));
        RoutePlanner planner = new RoutePlanner(rules, PriorityPolicy.DEFAULT);
        assertEquals("mail", planner.plan(request(Channel.EMAIL, Map.of()), Customer.anonymous("x")).firstQueue());
        RoutePlan call = planner.plan(request(Channel.CALLBACK, Map.of()), Customer.anonymous("x"));
        assertEquals(List.of("desk"), call.steps().stream().map(s -> s.queue()).toList());
        IllegalArgumentException transfer = assertThrows(IllegalArgumentException.class,
                () -> planner.toQueue("mail", Channel.VOICE, 0));
        assertTrue(transfer.getMessage().contains("does not serve voice"), transfer.getMessage());
    }

    @Test
    void anUnknownChannelIsRejectedWithItsLine(@TempDir Path temp) {
        RuleFileException e = assertThrows(RuleFileException.class, () -> loader.load(Rules.folder(temp, """
                queues:
                  mail:
                    channels: [email, fax]
                workflow: default
                default: {steps: [{queue: mail}]}
                """)));
        assertTrue(e.getMessage().contains(":3") && e.getMessage().contains("fax"), e.getMessage());
    }

    /** A zero wait meant one second for a step and never for a max wait: refused, with its line. */
    @Test
    void aZeroTimeoutOrMaxWaitIsRejectedWithItsLine(@TempDir Path temp) {
        RuleFileException step = assertThrows(RuleFileException.class, () -> loader.load(Rules.folder(temp, """
                queues:
                  support: {}
                workflow: default
                default: {steps: [{queue: support, timeoutSeconds: 0}, {queue: support}]}
                """)));
        assertTrue(step.getMessage().contains(":4") && step.getMessage().contains("must be between 1"), step.getMessage());
        RuleFileException maxWait = assertThrows(RuleFileException.class, () -> loader.load(Rules.folder(temp.resolve("b"), """
                queues:
                  support:
                    maxWaitSeconds: 0
                workflow: default
                default: {steps: [{queue: support}]}
                """)));
        assertEquals(3, maxWait.line(), maxWait.getMessage());
    }

    @Test
    void aBadExpressionIsRejectedWithFileAndLine(@TempDir Path temp) {
        RuleFileException e = assertThrows(RuleFileException.class, () -> loader.load(Rules.folder(temp, """
                queues:
                  support:
                    members: '"support" in agent.skills'
                workflow: default
                filters:
                  - match: 'attributes.language == '
                    steps:
                      - queue: support
                default:
                  steps:
                    - queue: support
                """)));
        assertEquals(6, e.line());
        assertTrue(e.getMessage().contains("invalid expression"), e.getMessage());
        assertTrue(e.getMessage().startsWith(temp.resolve("rules/rules.yaml").toString() + ":6:"), e.getMessage());
    }

    @Test
    void typosUnknownQueuesAndBrokenYamlAreRejected(@TempDir Path temp) throws IOException {
        assertRejected(temp, """
                queues:
                  support: {members: 'true', wrapUpSecs: 5}
                workflow: default
                default: {steps: [{queue: support}]}
                """, 2, "unknown key 'wrapUpSecs'");
        assertRejected(temp, """
                queues:
                  support: {members: 'true'}
                workflow: default
                default:
                  steps:
                    - queue: suport
                """, 6, "unknown queue 'suport' (the queues are [support])");
        assertRejected(temp, """
                queues:
                  support: {members: 'true', maxWaitSeconds: 60, overflow: genral}
                workflow: default
                default: {steps: [{queue: support}]}
                """, 2, "unknown queue 'genral'");
        assertRejected(temp, """
                queues:
                  support: {members: 'true'}
                workflow: default
                filters:
                  - {name: vip, match: 'true', steps: [{queue: support}]}
                  - {name: vip, match: 'false', steps: [{queue: support}]}
                default: {steps: [{queue: support}]}
                """, 6, "filter 'vip' is defined twice in workflow 'default'");
        assertRejected(temp, """
                queues:
                  support: {members: 'true'}
                  outbound: {members: 'true'}
                workflow: default
                default: {steps: [{queue: support}]}
                """, 3, "queue name 'outbound' is reserved");
        assertRejected(temp, """
                queues:
                  support: {members: 'true'
                workflow: default
                """, 3, "invalid YAML");
        assertRejected(temp, """
                queues:
                  support: {members: 'agent.skills.support + 1'}
                workflow: default
                default: {steps: [{queue: support}]}
                """, 2, "invalid expression");
        assertRejected(temp, """
                queues:
                  support: {members: 'true'}
                workflow: default
                default: {steps: [{queue: support, order: fastest}]}
                """, 4, "order must be");
        assertRejected(temp, """
                queues:
                  support: {members: 'true'}
                workflow: default
                default: {steps: [{queue: support, order: 'highest_proficiency:billing level'}]}
                """, 4, "the skill of highest_proficiency must be");
        assertRejected(temp, """
                queues:
                  support: {members: 'true'}
                workflow: default
                default:
                  steps:
                    - queue: support
                      skipIf: nobody_around
                """, 7, "skipIf must be no_available_agents, no_logged_in_agents or closed, was 'nobody_around'");
        assertRejected(temp, """
                queues:
                  support: {members: 'true'}
                workflow: default
                preferredAgent: {attribute: lastAgent, skipIf: busy}
                default: {steps: [{queue: support}]}
                """, 4, "skipIf must be");
        assertRejected(temp, """
                queues:
                  support: {members: 'true', offerTimeoutSeconds: 0}
                workflow: default
                default: {steps: [{queue: support}]}
                """, 2, "must be between 1 and 3600, was 0");
        assertRejected(temp, """
                queues:
                  support:
                    members: 'true'
                    hours: ofice
                workflow: default
                default: {steps: [{queue: support}]}
                """, 4, "hours: no calendar 'ofice' in the SLA file's calendars: (sla.file); it defines office");
        // a queue written twice in one file: the second replaced the first without a word
        assertRejected(temp, """
                queues:
                  support: {members: 'true', wrapUpSeconds: 5}
                  support: {members: 'false'}
                workflow: default
                default: {steps: [{queue: support}]}
                """, 3, "'support' is written twice in this mapping (first at line 2)");
        assertRejected(temp, """
                queues:
                  support: {members: 'true', overflow: general}
                  general: {}
                workflow: default
                default: {steps: [{queue: support}]}
                """, 2, "maxWaitSeconds and overflow go together");
        assertRejected(temp, """
                queues:
                  support: {members: 'true'}
                workflow: default
                default: {steps: [{queue: support, order: 'longest_idle:billing'}]}
                """, 4, "longest_idle takes no skill, was ':billing'");
    }

    @Test
    void aQueueNamesTheCalendarOfItsHours(@TempDir Path temp) {
        RoutingRules rules = loader.load(Rules.folder(temp, """
                queues:
                  support: {members: 'true', hours: office}
                  nights: {members: 'true'}
                workflow: default
                default: {steps: [{queue: support, skipIf: closed}, {queue: nights}]}
                """));
        assertEquals("office", rules.queue("support").orElseThrow().hours());
        assertEquals(null, rules.queue("nights").orElseThrow().hours(), "no hours: always open");
    }

    private void assertRejected(Path temp, String yaml, int line, String reason) throws IOException {
        Path dir = Rules.folder(temp, yaml);
        RuleFileException e = assertThrows(RuleFileException.class, () -> loader.load(dir));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        if (line > 0) {
            assertEquals(line, e.line(), e.getMessage());
        }
        Files.delete(dir.resolve("rules.yaml"));
    }

    @Test
    void expressionsThatCannotBeEvaluatedAreFalseNotErrors(@TempDir Path temp) {
        RoutingRules rules = loader.load(Rules.folder(temp, """
                queues:
                  billing: {members: 'agent.skills.billing >= 5'}
                workflow: default
                filters:
                  - match: 'customer.lifetimeValue > 1000'
                    steps: [{queue: billing}]
                default: {steps: [{queue: billing}]}
                """));
        Agent noBilling = new Agent("a1", null, null, null, Map.of("support", 5), null, null);
        assertEquals(List.of("@a1"), List.copyOf(rules.poolsFor(noBilling).get(Channel.VOICE)));
        RoutePlanner planner = new RoutePlanner(rules, PriorityPolicy.DEFAULT);
        Customer rich = new Customer("c", null, "standard", 2500.5, null, null, null);
        assertEquals("filter-1", planner.plan(request(Channel.CHAT, Map.of()), rich).filter(),
                "a double compared with an int literal");
    }

    /** A number compared with a text is false for every agent: said once (WARN), not left to be found by a stall. */
    @Test
    void anExpressionWhoseTypesNeverCompareIsFalseAndSaidOnce(@TempDir Path temp) {
        RoutingRules rules = loader.load(Rules.folder(temp, """
                queues:
                  billing: {members: 'agent.skills.billing >= "8"'}
                workflow: default
                default: {steps: [{queue: billing}]}
                """));
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(CelConditions.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
                new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            Agent expert = new Agent("a1", null, null, null, Map.of("billing", 9), null, null);
            Agent other = new Agent("a2", null, null, null, Map.of("billing", 10), null, null);
            assertEquals(List.of("@a1"), List.copyOf(rules.poolsFor(expert).get(Channel.VOICE)));
            assertEquals(List.of("@a2"), List.copyOf(rules.poolsFor(other).get(Channel.VOICE)));
            assertEquals(1, seen.list.stream().filter(e -> e.getFormattedMessage()
                    .contains("compares values of types that never compare")).count(), seen.list.toString());
        } finally {
            log.detachAppender(seen);
        }
    }

    private static InteractionRequest request(Channel channel, Map<String, Object> attributes) {
        return new InteractionRequest(channel, attributes, null, null, 0);
    }
}
