package io.switchboard.rules;

import io.switchboard.routing.Condition;
import io.switchboard.sla.BusinessCalendar;
import io.switchboard.sla.Escalation;
import io.switchboard.sla.Severity;
import io.switchboard.sla.SlaPolicies;
import io.switchboard.sla.SlaPolicy;
import io.switchboard.sla.SlaTarget;
import io.switchboard.sla.WorkingTime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code config/sla.yaml}: {@code severity}, {@code calendars}, an ordered {@code policies} list
 * and a {@code default}. Every key is documented in the shipped file. Any error rejects the file with
 * its line ({@link RuleFileException}); a missing file means no agreements.
 */
public final class SlaPolicyLoader {
    /** A target longer than a year is a typo. */
    private static final long MAX_TARGET_SECONDS = 366L * 86_400;

    private final CelConditions cel = new CelConditions();

    public SlaPolicies load(Path file) {
        if (!Files.exists(file)) {
            return SlaPolicies.NONE;
        }
        return read(YamlNode.parse(file));
    }

    public SlaPolicies read(YamlNode root) {
        if (root.isEmpty()) {
            return SlaPolicies.NONE;
        }
        Map<String, YamlNode> top = root.entries("severity", "calendars", "policies", "default");
        Severity.Thresholds severity = severity(top.get("severity"));
        Map<String, BusinessCalendar> calendars = new LinkedHashMap<>();
        if (top.containsKey("calendars")) {
            top.get("calendars").entries().forEach((name, node) -> calendars.put(name, calendar(name, node)));
        }
        List<SlaPolicy> policies = new ArrayList<>();
        Set<String> names = new HashSet<>();
        if (top.containsKey("policies")) {
            for (YamlNode item : top.get("policies").items()) {
                SlaPolicy policy = policy(item, null, calendars, severity);
                if (!names.add(policy.name())) {
                    throw item.error("policy '" + policy.name() + "' is defined twice");
                }
                policies.add(policy);
            }
        }
        SlaPolicy defaultPolicy = top.containsKey("default")
                ? policy(top.get("default"), "default", calendars, severity) : null;
        if (defaultPolicy != null && names.contains("default")) {
            throw top.get("default").error("'default' is the default policy's name; rename the listed one");
        }
        return new SlaPolicies(policies, defaultPolicy, calendars, severity);
    }

    private static Severity.Thresholds severity(YamlNode node) {
        if (node == null) {
            return Severity.Thresholds.DEFAULT;
        }
        Map<String, YamlNode> s = node.entries("major", "critical");
        double major = s.containsKey("major") ? s.get("major").decimal(0.01, 100) : Severity.Thresholds.DEFAULT_MAJOR;
        double critical = s.containsKey("critical") ? s.get("critical").decimal(0.01, 100)
                : Severity.Thresholds.DEFAULT_CRITICAL;
        if (critical <= major) {
            throw node.error("severity.critical must be above severity.major");
        }
        return new Severity.Thresholds(major, critical);
    }

    private static BusinessCalendar calendar(String name, YamlNode node) {
        Map<String, YamlNode> c = node.entries("timeZone", "hours", "holidays");
        if (!c.containsKey("timeZone") || !c.containsKey("hours")) {
            throw node.error("calendar '" + name + "' needs 'timeZone' and 'hours'");
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(c.get("timeZone").text().trim());
        } catch (DateTimeException e) {
            throw c.get("timeZone").error("unknown time zone '" + c.get("timeZone").text() + "' (e.g. Europe/Paris)");
        }
        Map<DayOfWeek, List<BusinessCalendar.OpenHours>> weekly = new EnumMap<>(DayOfWeek.class);
        for (Map.Entry<String, YamlNode> day : c.get("hours").entries().entrySet()) {
            DayOfWeek dayOfWeek;
            try {
                dayOfWeek = DayOfWeek.valueOf(day.getKey().trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw day.getValue().error("unknown day '" + day.getKey() + "' (monday ... sunday)");
            }
            List<BusinessCalendar.OpenHours> hours = new ArrayList<>();
            for (YamlNode range : scalarOrList(day.getValue())) {
                String text = range.text().trim();
                if (text.equalsIgnoreCase("closed")) {
                    continue;
                }
                try {
                    hours.add(BusinessCalendar.OpenHours.parse(text));
                } catch (IllegalArgumentException e) {
                    throw range.error(e.getMessage());
                }
            }
            weekly.put(dayOfWeek, hours);
        }
        Set<LocalDate> holidays = new HashSet<>();
        if (c.containsKey("holidays")) {
            for (YamlNode date : c.get("holidays").items()) {
                try {
                    holidays.add(LocalDate.parse(date.text().trim()));
                } catch (DateTimeException e) {
                    throw date.error("holidays are dates like 2025-12-25, was '" + date.text() + "'");
                }
            }
        }
        try {
            return new BusinessCalendar(name, zone, weekly, holidays);
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
    }

    private static List<YamlNode> scalarOrList(YamlNode node) {
        try {
            return node.items();
        } catch (RuleFileException notAList) {
            return List.of(node);
        }
    }

    private SlaPolicy policy(YamlNode node, String fixedName, Map<String, BusinessCalendar> calendars,
                             Severity.Thresholds severity) {
        Map<String, YamlNode> p = fixedName == null
                ? node.entries("name", "match", "targets", "calendar", "escalations", "pauseWhenPendingCustomer")
                : node.entries("targets", "calendar", "escalations", "pauseWhenPendingCustomer");
        if (fixedName == null && (!p.containsKey("name") || !p.containsKey("match"))) {
            throw node.error("a policy needs 'name' and 'match'");
        }
        String name = fixedName != null ? fixedName : p.get("name").text().trim();
        Condition match = fixedName != null ? Condition.ALWAYS : cel.sla(p.get("match"));
        if (!p.containsKey("targets")) {
            throw node.error("policy '" + name + "' needs 'targets'");
        }
        Map<SlaTarget, Duration> targets = new EnumMap<>(SlaTarget.class);
        for (Map.Entry<String, YamlNode> t : p.get("targets").entries().entrySet()) {
            try {
                targets.put(SlaTarget.parse(t.getKey()), duration(t.getValue()));
            } catch (IllegalArgumentException e) {
                throw t.getValue().error(e.getMessage());
            }
        }
        WorkingTime time = new WorkingTime.AlwaysOpen();
        if (p.containsKey("calendar")) {
            String calendar = p.get("calendar").text().trim();
            time = calendars.get(calendar);
            if (time == null) {
                throw p.get("calendar").error("no calendar '" + calendar + "' under 'calendars:'");
            }
        }
        List<Escalation> escalations = new ArrayList<>();
        if (p.containsKey("escalations")) {
            for (YamlNode item : p.get("escalations").items()) {
                Map<String, YamlNode> e = item.entries("at", "action", "points");
                if (!e.containsKey("at") || !e.containsKey("action")) {
                    throw item.error("an escalation needs 'at' and 'action'");
                }
                try {
                    Escalation.Action action = Escalation.Action.parse(e.get("action").text());
                    int points = e.containsKey("points") ? (int) e.get("points").integer(1, 1000) : 0;
                    if (points != 0 && action != Escalation.Action.RAISE_PRIORITY) {
                        throw e.get("points").error("'points' is for raise_priority only");
                    }
                    double at = e.get("at").decimal(0.01, 10);
                    // the breach is where the target ends: answers after it count as breaches, severities from it
                    if (action == Escalation.Action.BREACH && at != 1.0) {
                        throw e.get("at").error("a breach is at 1.0 (the target itself), not " + at);
                    }
                    if (action == Escalation.Action.BREACH && escalations.stream()
                            .anyMatch(x -> x.action() == Escalation.Action.BREACH)) {
                        throw item.error("one breach step per policy");
                    }
                    escalations.add(new Escalation(at, action, points));
                } catch (IllegalArgumentException ex) {
                    throw item.error(ex.getMessage());
                }
            }
        }
        try {
            boolean pause = p.containsKey("pauseWhenPendingCustomer") && p.get("pauseWhenPendingCustomer").bool();
            return new SlaPolicy(name, match, targets, time, escalations, severity, pause);
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
    }

    /** Whole seconds, or a number with a unit: 20s, 15m, 4h, 2d. */
    static Duration duration(YamlNode node) {
        String text = node.text().trim().toLowerCase(Locale.ROOT);
        long seconds;
        try {
            if (text.matches("\\d+")) {
                seconds = Long.parseLong(text);
            } else if (text.matches("\\d+[smhd]")) {
                long n = Long.parseLong(text.substring(0, text.length() - 1));
                seconds = switch (text.charAt(text.length() - 1)) {
                    case 's' -> n;
                    case 'm' -> n * 60;
                    case 'h' -> n * 3600;
                    default -> n * 86_400;
                };
            } else {
                throw node.error("a duration is whole seconds or a number with s, m, h or d (20s, 4h), was '" + text + "'");
            }
        } catch (NumberFormatException e) {
            throw node.error("duration out of range: '" + text + "'");
        }
        if (seconds < 1 || seconds > MAX_TARGET_SECONDS) {
            throw node.error("a target must be between 1 s and 366 days, was '" + text + "'");
        }
        return Duration.ofSeconds(seconds);
    }
}
