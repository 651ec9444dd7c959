package io.switchboard.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import io.switchboard.routing.Channel;
import io.switchboard.routing.Condition;
import io.switchboard.routing.Customer;
import io.switchboard.routing.InteractionRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Conditions answer from their result cache exactly as CEL would, and only evaluate new inputs. */
class CelConditionsTest {
    private final CelConditions cel = new CelConditions();

    @Test
    void aMissingAttributeIsNoMatchAndHasTellsItApart() {
        Condition spanish = interaction("attributes.language == \"es\" || customer.tier == \"gold\"");
        Condition given = interaction("has(attributes.language)");
        for (int round = 0; round < 2; round++) { // the second round answers from the cache
            assertFalse(spanish.test(vars("voice", Map.of(), "standard")));
            assertTrue(spanish.test(vars("voice", Map.of(), "gold")), "the other side of || still decides");
            assertTrue(spanish.test(vars("voice", Map.of("language", "es"), "standard")));
            assertFalse(spanish.test(vars("voice", Map.of("language", "en"), "standard")));
            assertFalse(given.test(vars("voice", Map.of(), "standard")));
            assertTrue(given.test(vars("voice", Map.of("language", "en"), "standard")));
        }
    }

    @Test
    void mapsReadAsAWholeAndNestedValuesAreEvaluatedEveryTime() {
        Condition vip = interaction("\"vip\" in attributes");
        Condition bigOrder = interaction("attributes.order.total > 100");
        assertFalse(vip.test(vars("chat", Map.of("x", 1), "standard")));
        assertTrue(vip.test(vars("chat", Map.of("x", 1, "vip", true), "standard")), "not the cached answer of the other map");
        assertFalse(bigOrder.test(vars("chat", Map.of("order", Map.of("total", 50)), "standard")));
        assertTrue(bigOrder.test(vars("chat", Map.of("order", Map.of("total", 500)), "standard")));
    }

    @Test
    void numbersOfDifferentTypesAndChannelsAreDistinctInputs() {
        Condition large = interaction("channel == \"voice\" && attributes.amount >= 100");
        assertTrue(large.test(vars("voice", Map.of("amount", 100), "standard")), "an Integer from JSON compares as int");
        assertTrue(large.test(vars("voice", Map.of("amount", 100L), "standard")));
        assertTrue(large.test(vars("voice", Map.of("amount", 100.5), "standard")));
        assertFalse(large.test(vars("chat", Map.of("amount", 100L), "standard")), "channel is part of the input");
        assertFalse(large.test(vars("voice", Map.of("amount", 99L), "standard")));
    }

    @Test
    void theSameInputIsEvaluatedOnceAndOnlyFieldsReadMatter() throws Exception {
        var ast = CelCompilerFactory.standardCelCompilerBuilder()
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar("channel", SimpleType.STRING)
                .addVar("attributes", MapType.create(SimpleType.STRING, SimpleType.DYN))
                .build().compile("attributes.intent == \"billing\"").getAst();
        CelResultCache cache = CelResultCache.of(ast, Set.of("channel", "attributes")).orElseThrow();
        AtomicInteger evaluations = new AtomicInteger();
        for (int seq = 0; seq < 50; seq++) {
            Map<String, Object> variables = Map.of("channel", "voice",
                    "attributes", Map.of("intent", "billing", "seq", Integer.toString(seq)));
            assertTrue(cache.test(variables, v -> evaluations.incrementAndGet() > 0));
        }
        assertEquals(1, evaluations.get(), "seq is not read by the expression, so one input in all");
        cache.test(Map.of("attributes", Map.of("intent", "x".repeat(100))), v -> evaluations.incrementAndGet() < 0);
        cache.test(Map.of("attributes", Map.of("intent", "x".repeat(100))), v -> evaluations.incrementAndGet() < 0);
        assertEquals(3, evaluations.get(), "a long text is evaluated every time, never kept");
    }

    @Test
    void agentExpressionsOverSkillMapsStillWork() {
        Condition billing = cel.agent(node("agent.skills.billing >= 7"));
        Condition spanish = cel.agent(node("\"spanish\" in agent.skills"));
        Map<String, Object> expert = Map.of("agent", Map.of("skills", Map.of("billing", 8L, "spanish", 5L)));
        Map<String, Object> novice = Map.of("agent", Map.of("skills", Map.of("billing", 3L)));
        assertEquals(List.of(true, false, true, false),
                List.of(billing.test(expert), billing.test(novice), spanish.test(expert), spanish.test(novice)));
    }

    private Condition interaction(String source) {
        return cel.interaction(node(source));
    }

    private static YamlNode node(String source) {
        return YamlNode.parse("test.yaml", "match: '" + source.replace("'", "''") + "'\n").entries().get("match");
    }

    /** As routing builds them, from a request whose attributes came from JSON (small numbers as Integer). */
    private static Map<String, Object> vars(String channel, Map<String, Object> attributes, String tier) {
        return new InteractionRequest(Channel.parse(channel), attributes, "c1", null, 0)
                .expressionVariables(new Customer("c1", "Ann", tier, 0, List.of(), List.of(), "en"));
    }
}
