package io.switchboard.simulator.traffic;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Picks one of several options with given relative weights (e.g. which menu key a caller presses). */
public final class WeightedChoice<T> {

    private record Option<T>(T value, double weight) { }

    private final List<Option<T>> options = new ArrayList<>();
    private double total;

    public WeightedChoice<T> add(T value, double weight) {
        if (weight < 0) {
            throw new IllegalArgumentException("negative weight for " + value);
        }
        options.add(new Option<>(value, weight));
        total += weight;
        return this;
    }

    public boolean isEmpty() {
        return options.isEmpty() || total <= 0;
    }

    public T pick(Random random) {
        if (isEmpty()) {
            throw new IllegalStateException("no options to choose from");
        }
        double x = random.nextDouble() * total;
        for (Option<T> o : options) {
            x -= o.weight();
            if (x < 0) {
                return o.value();
            }
        }
        return options.get(options.size() - 1).value();
    }

    /** Parses {@code "1:50,2:30,3:20"} (choice:weight pairs). */
    public static WeightedChoice<String> parse(String spec) {
        WeightedChoice<String> c = new WeightedChoice<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int colon = p.lastIndexOf(':');
            if (colon < 0) {
                c.add(p, 1);
            } else {
                c.add(p.substring(0, colon), Double.parseDouble(p.substring(colon + 1)));
            }
        }
        return c;
    }
}
