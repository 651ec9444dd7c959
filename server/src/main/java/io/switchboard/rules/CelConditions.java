package io.switchboard.rules;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.switchboard.routing.Condition;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Compiles routing expressions with CEL, once, at rule load. Three vocabularies exist: interaction
 * expressions see {@code channel}, {@code attributes} and {@code customer}; SLA policy expressions
 * see those, {@code queue} and {@code case} (type, priority; empty strings for an interaction); agent
 * expressions see only {@code agent}, because agent pools are computed ahead of time and cannot depend
 * on a task.
 */
public final class CelConditions {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CelConditions.class);
    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .build();
    private static final Set<String> INTERACTION_VARIABLES = Set.of("channel", "attributes", "customer");
    private static final Set<String> SLA_VARIABLES = Set.of("channel", "attributes", "customer", "queue", "case");
    private static final MapType DYN_MAP = MapType.create(SimpleType.STRING, SimpleType.DYN);

    private final CelCompiler interactionCompiler = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("channel", SimpleType.STRING)
            .addVar("attributes", DYN_MAP)
            .addVar("customer", DYN_MAP)
            .setResultType(SimpleType.BOOL)
            .build();
    private final CelCompiler agentCompiler = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("agent", DYN_MAP)
            .setResultType(SimpleType.BOOL)
            .build();
    private final CelCompiler slaCompiler = CelCompilerFactory.standardCelCompilerBuilder()
            .setOptions(OPTIONS)
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("channel", SimpleType.STRING)
            .addVar("attributes", DYN_MAP)
            .addVar("customer", DYN_MAP)
            .addVar("queue", SimpleType.STRING)
            .addVar("case", DYN_MAP)
            .setResultType(SimpleType.BOOL)
            .build();
    private final CelRuntime runtime = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();

    public Condition interaction(YamlNode node) {
        return compile(interactionCompiler, INTERACTION_VARIABLES, node);
    }

    /** An interaction expression given outside a rule file (an API query): a bad one is an IllegalArgumentException. */
    public Condition interaction(String source) {
        return compile(interactionCompiler, INTERACTION_VARIABLES, source.trim(), IllegalArgumentException::new);
    }

    /** SLA policy expressions: the interaction's vocabulary plus {@code queue}, the queue it enters. */
    public Condition sla(YamlNode node) {
        return compile(slaCompiler, SLA_VARIABLES, node);
    }

    public Condition agent(YamlNode node) {
        return compile(agentCompiler, Set.of("agent"), node);
    }

    private Condition compile(CelCompiler compiler, Set<String> variables, YamlNode node) {
        return compile(compiler, variables, node.text().trim(), node::error);
    }

    private Condition compile(CelCompiler compiler, Set<String> variables, String source,
                              Function<String, ? extends RuntimeException> error) {
        try {
            CelAbstractSyntaxTree ast = compiler.compile(source).getAst();
            CelCondition condition = new CelCondition(source, runtime.createProgram(ast));
            return CelResultCache.of(ast, variables).<Condition>map(cache -> new CachedCondition(condition, cache))
                    .orElse(condition);
        } catch (CelValidationException e) {
            CelIssue first = e.getErrors().get(0);
            throw error.apply("invalid expression '" + source + "': " + first.getMessage()
                    + " (column " + (first.getSourceLocation().getColumn() + 1) + ")");
        } catch (CelEvaluationException e) {
            throw error.apply("cannot plan expression '" + source + "': " + e.getMessage());
        }
    }

    private record CachedCondition(CelCondition condition, CelResultCache cache) implements Condition {
        @Override
        public boolean test(Map<String, Object> variables) {
            return cache.test(variables, condition::test);
        }

        @Override
        public String source() {
            return condition.source();
        }
    }

    private record CelCondition(String source, CelRuntime.Program program, java.util.concurrent.atomic.AtomicBoolean told)
            implements Condition {
        CelCondition(String source, CelRuntime.Program program) {
            this(source, program, new java.util.concurrent.atomic.AtomicBoolean());
        }

        @Override
        public boolean test(Map<String, Object> variables) {
            try {
                // a resolver, not the map: eval(Map) copies the variables into a new activation on every call
                return Boolean.TRUE.equals(program.eval(name -> Optional.ofNullable(variables.get(name))));
            } catch (CelEvaluationException e) {
                // e.g. agent.skills.billing on an agent without that skill: not a match. Values of types that never
                // compare (agent.skills.billing >= "8", a number against a text) make it false for everyone: said
                // once, since the rule loaded and would otherwise just never match
                if (String.valueOf(e.getMessage()).contains("No matching overload") && told.compareAndSet(false, true)) {
                    LOG.warn("expression '{}' compares values of types that never compare ({}): it is false for every"
                            + " contact or agent until it is fixed", source, e.getMessage());
                }
                return false;
            }
        }
    }
}
