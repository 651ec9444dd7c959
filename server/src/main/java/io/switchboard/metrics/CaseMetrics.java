package io.switchboard.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.switchboard.cases.Case;
import io.switchboard.cases.CaseObserver;
import io.switchboard.cases.CaseStatus;
import io.switchboard.cases.CaseType;
import io.switchboard.cases.ComplaintCategory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import io.switchboard.store.redis.KpiCounters;

/**
 * Case KPIs, fed by the case changes this node commits (each change is committed by one node, so
 * summing nodes counts each case once). Tags are bounded: the case type (4 values) and the complaint
 * category (a closed list); never a case, customer or agent.
 */
public final class CaseMetrics implements CaseObserver {
    /** From a few minutes (first contact) to a month (a return that waits for the parcel). */
    private static final Duration[] RESOLUTION_BUCKETS = List.of(Duration.ofMinutes(5), Duration.ofMinutes(15),
            Duration.ofHours(1), Duration.ofHours(4), Duration.ofHours(8), Duration.ofDays(1), Duration.ofDays(2),
            Duration.ofDays(5), Duration.ofDays(10), Duration.ofDays(30)).toArray(Duration[]::new);

    private final MeterRegistry registry;

    private final KpiCounters shared;

    /** @param shared resolutions and first contact resolutions in Redis, for the statistics API */
    public CaseMetrics(MeterRegistry registry, KpiCounters shared) {
        this.registry = registry;
        this.shared = shared;
        // every series exists from the start, so rate() and dashboards see zeros, not gaps
        for (CaseType type : CaseType.values()) {
            opened(type);
            resolved(type);
            firstContact(type);
            reopened(type, true);
            reopened(type, false);
            resolutionTime(type);
        }
        for (ComplaintCategory category : ComplaintCategory.values()) {
            complaints(category);
        }
    }

    @Override
    public void opened(Case opened) {
        opened(opened.type()).increment();
        if (opened.complaint() != null) {
            complaints(opened.complaint().category()).increment();
        }
    }

    @Override
    public void changed(Case before, Case after) {
        if (before.status() != CaseStatus.RESOLVED && after.status() == CaseStatus.RESOLVED) {
            resolved(after.type()).increment();
            if (after.firstContactResolution()) {
                firstContact(after.type()).increment();
            }
            shared.add(KpiCounters.FLOOR, "case",
                    Map.of("resolved", 1L, "first_contact_resolved", after.firstContactResolution() ? 1L : 0L));
            resolutionTime(after.type()).record(Duration.ofMillis(Math.max(0, after.resolvedAt() - after.createdAt())));
        } else if (before.status() == CaseStatus.RESOLVED && after.status() == CaseStatus.OPEN) {
            // reopened: not resolved after all, nor at the first contact; FCR counts cases, so both counts take it back
            boolean wasFirstContact = before.firstContactResolution();
            reopened(after.type(), wasFirstContact).increment();
            shared.add(KpiCounters.FLOOR, "case",
                    Map.of("resolved", -1L, "first_contact_resolved", wasFirstContact ? -1L : 0L));
        }
    }

    private Counter opened(CaseType type) {
        return Counter.builder("switchboard_cases_opened").description("Cases opened")
                .tag("type", type.wireName()).register(registry);
    }

    private Counter resolved(CaseType type) {
        return Counter.builder("switchboard_cases_resolved").description("Cases resolved (a reopened case counts again when resolved again)")
                .tag("type", type.wireName()).register(registry);
    }

    private Counter firstContact(CaseType type) {
        return Counter.builder("switchboard_cases_first_contact_resolved")
                .description("Cases resolved on their first interaction, never reopened (FCR numerator)")
                .tag("type", type.wireName()).register(registry);
    }

    /** first_contact: whether its resolution had counted as a first contact resolution (FCR takes it back). */
    private Counter reopened(CaseType type, boolean wasFirstContact) {
        return Counter.builder("switchboard_cases_reopened")
                .description("Resolved cases reopened (subtract from resolutions, and those with first_contact=true"
                        + " from first contact resolutions, for FCR)")
                .tags("type", type.wireName(), "first_contact", Boolean.toString(wasFirstContact)).register(registry);
    }

    private Counter complaints(ComplaintCategory category) {
        return Counter.builder("switchboard_complaints").description("Complaints opened, by cause")
                .tag("category", category.wireName()).register(registry);
    }

    private Timer resolutionTime(CaseType type) {
        return Timer.builder("switchboard_case_resolution").description("Time from opening a case to resolving it")
                .tag("type", type.wireName()).serviceLevelObjectives(RESOLUTION_BUCKETS).register(registry);
    }
}
