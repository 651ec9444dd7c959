package io.switchboard.rules;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelExpr.ExprKind.Kind;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The results of one expression by the values it reads. CEL is pure, so an expression that reads
 * {@code channel}, {@code attributes.language} and {@code attributes.intent} gives the same answer for
 * the same three values; routing attributes take few distinct values, so nearly every contact is
 * answered from here. This matters because cel-java evaluates a missing map key by throwing an exception
 * with a full stack trace: a filter naming an attribute that most contacts lack was the server's largest
 * source of garbage (a fifth of all allocation under load, half of it stack traces).
 *
 * <p>An expression is cached only when it reads each map variable field by field ({@code attributes.x},
 * {@code has(attributes.x)}), and a result only when every value read is a short scalar; anything else
 * ({@code "x" in attributes}, a list, a nested map) is evaluated every time.
 */
final class CelResultCache {
    /** Beyond this many distinct inputs (a free-text attribute, say) the cache starts over. */
    private static final int MAX_ENTRIES = 4_096;
    private static final int MAX_STRING = 64;
    /** A field the contact does not have: a key of its own, distinct from every value. */
    private static final Object ABSENT = new Object();
    /** A field of something that is not a map: not a scalar, so evaluated every time. */
    private static final Object UNREADABLE = new Object();

    private final List<Read> reads;
    private final Map<List<Object>, Boolean> results = new ConcurrentHashMap<>();

    private CelResultCache(List<Read> reads) {
        this.reads = reads;
    }

    /** Empty when a loop variable of the expression hides one of the variables. */
    static Optional<CelResultCache> of(CelAbstractSyntaxTree ast, Set<String> variables) {
        Set<Read> reads = new LinkedHashSet<>();
        CelNavigableExpr root = CelNavigableAst.fromAst(ast).getRoot();
        boolean cacheable = root.allNodes().allMatch(node -> {
            CelExpr expr = node.expr();
            if (expr.getKind() == Kind.COMPREHENSION) {
                // a loop variable named like a variable would hide it: its reads are not the variable's
                return !variables.contains(expr.comprehension().iterVar())
                        && !variables.contains(expr.comprehension().accuVar());
            }
            if (expr.getKind() == Kind.IDENT && variables.contains(expr.ident().name())) {
                reads.add(readOf(node));
            }
            return true;
        });
        return cacheable ? Optional.of(new CelResultCache(List.copyOf(reads))) : Optional.empty();
    }

    /**
     * {@code attributes.language}, or the variable itself: {@code channel}, or a map read as a whole
     * ({@code "x" in attributes}), whose value is then not a scalar and leaves the result uncached.
     */
    private static Read readOf(CelNavigableExpr ident) {
        String name = ident.expr().ident().name();
        Optional<CelNavigableExpr> parent = ident.parent();
        if (parent.isPresent() && parent.get().expr().getKind() == Kind.SELECT) {
            return new Read(name, parent.get().expr().select().field());
        }
        return new Read(name, null);
    }

    boolean test(Map<String, Object> variables, Predicate<Map<String, Object>> evaluate) {
        List<Object> key = key(variables);
        if (key == null) {
            return evaluate.test(variables);
        }
        Boolean known = results.get(key);
        if (known != null) {
            return known;
        }
        boolean result = evaluate.test(variables);
        if (results.size() >= MAX_ENTRIES) {
            results.clear();
        }
        results.put(key, result);
        return result;
    }

    private List<Object> key(Map<String, Object> variables) {
        Object[] values = new Object[reads.size()];
        for (int i = 0; i < values.length; i++) {
            Object value = reads.get(i).value(variables);
            if (!isScalar(value)) {
                return null;
            }
            values[i] = value;
        }
        return Arrays.asList(values);
    }

    private static boolean isScalar(Object value) {
        return value == ABSENT || value instanceof Boolean || value instanceof Number
                || value instanceof String s && s.length() <= MAX_STRING;
    }

    /** @param field null = the variable itself (which must then be a scalar to be cached) */
    private record Read(String variable, String field) {
        Object value(Map<String, Object> variables) {
            Object value = variables.get(variable);
            if (field == null || value == null) {
                return value == null ? ABSENT : value;
            }
            if (!(value instanceof Map<?, ?> map)) {
                return UNREADABLE;
            }
            Object fieldValue = map.get(field);
            return fieldValue == null ? ABSENT : fieldValue;
        }
    }
}
