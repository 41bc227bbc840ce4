package dev.billing.testkit.fake;

import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.usage.MeterReport;
import dev.billing.core.model.usage.UsageCounter;
import dev.billing.core.model.usage.UsageIncrement;
import dev.billing.core.model.usage.UsageKey;
import dev.billing.core.model.usage.UsageResult;
import dev.billing.core.port.UsageLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link UsageLedger} in memory: one lock makes each increment atomic, as one SQL statement does in Postgres.
 *
 * <p>Usage: {@code UsageLedger ledger = new InMemoryUsageLedger();}
 */
public final class InMemoryUsageLedger implements UsageLedger {
    private final Map<String, UsageCounter> counters = new TreeMap<>();
    private final Map<String, UsageKey> keys = new TreeMap<>();
    private final Map<String, MeterReport> reports = new TreeMap<>();
    private final StoreSwitch storeSwitch;

    public InMemoryUsageLedger() {
        this(new StoreSwitch());
    }

    InMemoryUsageLedger(StoreSwitch storeSwitch) {
        this.storeSwitch = storeSwitch;
    }

    @Override
    public synchronized UsageResult increment(UsageIncrement inc) {
        storeSwitch.check();
        String keyId = keyId(inc.userId(), inc.idempotencyKey());
        UsageKey used = keys.get(keyId);
        if (used != null) {
            if (!used.fingerprint().equals(inc.fingerprint())) {
                return new UsageResult.KeyReused();
            }
            return new UsageResult.Replayed(new UsageResult.Accepted(used.usedAfter(), used.limit()));
        }
        String counterId = counterId(inc.userId(), inc.meter(), inc.period().start());
        UsageCounter counter = counters.get(counterId);
        long current = counter == null ? 0 : counter.used();
        if (current > inc.limit() - inc.amount()) {
            return new UsageResult.QuotaExceeded(current, inc.limit(), inc.amount());
        }
        long after = current + inc.amount();
        counters.put(counterId, new UsageCounter(inc.userId(), inc.meter(), inc.period(), after, inc.at()));
        keys.put(
                keyId,
                new UsageKey(
                        inc.userId(),
                        inc.idempotencyKey(),
                        inc.meter(),
                        inc.period().start(),
                        inc.fingerprint(),
                        inc.amount(),
                        after,
                        inc.limit(),
                        inc.at()));
        if (inc.report() != null) {
            reports.putIfAbsent(inc.report().identifier(), MeterReport.pending(inc.report()));
        }
        return new UsageResult.Accepted(after, inc.limit());
    }

    @Override
    public synchronized long used(UserId userId, String meter, Instant periodStart) {
        storeSwitch.check();
        UsageCounter counter = counters.get(counterId(userId, meter, periodStart));
        return counter == null ? 0 : counter.used();
    }

    @Override
    public synchronized Map<String, Long> usage(UserId userId, Instant periodStart) {
        storeSwitch.check();
        Map<String, Long> usage = new LinkedHashMap<>();
        counters.values().stream()
                .filter(c -> c.userId().equals(userId) && c.period().start().equals(periodStart))
                .forEach(c -> usage.put(c.meter(), c.used()));
        return usage;
    }

    @Override
    public synchronized List<MeterReport> claimReports(int max, Instant now, Duration lease) {
        storeSwitch.check();
        List<MeterReport> due = reports.values().stream()
                .filter(r -> r.reportedAt() == null
                        && !r.event().timestamp().isBefore(now.minus(MeterReport.CLAIM_HORIZON))
                        && (r.nextAttemptAt() == null || !r.nextAttemptAt().isAfter(now)))
                .sorted(Comparator.comparing((MeterReport r) -> r.event().timestamp())
                        .thenComparing(MeterReport::identifier))
                .limit(max)
                .toList();
        List<MeterReport> claimed = new ArrayList<>();
        for (MeterReport report : due) {
            MeterReport leased =
                    new MeterReport(report.event(), report.attempts() + 1, report.lastError(), now.plus(lease), null);
            reports.put(report.identifier(), leased);
            claimed.add(leased);
        }
        return claimed;
    }

    @Override
    public synchronized void markReported(String identifier, Instant now) {
        storeSwitch.check();
        MeterReport report = reports.get(identifier);
        if (report != null) {
            reports.put(identifier, new MeterReport(report.event(), report.attempts(), report.lastError(), null, now));
        }
    }

    @Override
    public synchronized void retryReport(String identifier, String error, Instant nextAttemptAt) {
        storeSwitch.check();
        MeterReport report = reports.get(identifier);
        if (report != null && report.reportedAt() == null) {
            reports.put(identifier, new MeterReport(report.event(), report.attempts(), error, nextAttemptAt, null));
        }
    }

    @Override
    public synchronized long pendingReports() {
        storeSwitch.check();
        return reports.values().stream().filter(r -> r.reportedAt() == null).count();
    }

    @Override
    public synchronized long pendingReportsCountedBefore(Instant before) {
        storeSwitch.check();
        return reports.values().stream()
                .filter(r -> r.reportedAt() == null && r.event().timestamp().isBefore(before))
                .count();
    }

    @Override
    public synchronized Page<UsageCounter> listCounters(String cursor, int limit) {
        storeSwitch.check();
        List<UsageCounter> sorted = new ArrayList<>(counters.values());
        sorted.sort(Comparator.comparing(
                c -> counterId(c.userId(), c.meter(), c.period().start())));
        return Cursors.page(
                sorted, c -> counterId(c.userId(), c.meter(), c.period().start()), cursor, limit);
    }

    @Override
    public synchronized Page<UsageKey> listKeys(String cursor, int limit) {
        storeSwitch.check();
        List<UsageKey> sorted = new ArrayList<>(keys.values());
        sorted.sort(Comparator.comparing(k -> keyId(k.userId(), k.idempotencyKey())));
        return Cursors.page(sorted, k -> keyId(k.userId(), k.idempotencyKey()), cursor, limit);
    }

    @Override
    public synchronized Page<MeterReport> listReports(String cursor, int limit) {
        storeSwitch.check();
        return Cursors.page(new ArrayList<>(reports.values()), MeterReport::identifier, cursor, limit);
    }

    @Override
    public synchronized boolean restoreCounter(UsageCounter counter) {
        storeSwitch.check();
        return !counter.equals(counters.put(
                counterId(counter.userId(), counter.meter(), counter.period().start()), counter));
    }

    @Override
    public synchronized boolean restoreKey(UsageKey key) {
        storeSwitch.check();
        return keys.putIfAbsent(keyId(key.userId(), key.idempotencyKey()), key) == null;
    }

    @Override
    public synchronized boolean restoreReport(MeterReport report) {
        storeSwitch.check();
        return !report.equals(reports.put(report.identifier(), report));
    }

    @Override
    public synchronized boolean removeCounter(UserId user, String meter, Instant periodStart) {
        storeSwitch.check();
        return counters.remove(counterId(user, meter, periodStart)) != null;
    }

    @Override
    public synchronized int pruneKeys(Instant before, int max) {
        storeSwitch.check();
        return RetentionBatch.remove(keys.values(), k -> k.createdAt().isBefore(before), max);
    }

    @Override
    public synchronized int pruneReports(Instant before, int max) {
        storeSwitch.check();
        return RetentionBatch.remove(
                reports.values(), r -> r.reportedAt() != null && r.reportedAt().isBefore(before), max);
    }

    @Override
    public synchronized int pruneCounters(Instant before, int max) {
        storeSwitch.check();
        return RetentionBatch.remove(counters.values(), c -> c.period().end().isBefore(before), max);
    }

    @Override
    public synchronized boolean removeKey(UserId user, String idempotencyKey) {
        storeSwitch.check();
        return keys.remove(keyId(user, idempotencyKey)) != null;
    }

    @Override
    public synchronized boolean removeReport(String identifier) {
        storeSwitch.check();
        return reports.remove(identifier) != null;
    }

    private static String counterId(UserId user, String meter, Instant periodStart) {
        return user.value() + '\u0000' + meter + '\u0000' + String.format("%020d", periodStart.getEpochSecond());
    }

    private static String keyId(UserId user, String key) {
        return user.value() + '\u0000' + key;
    }

    @Override
    public synchronized int pseudonymise(UserId user, UserId pseudonym) {
        storeSwitch.check();
        int moved = 0;
        for (UsageCounter c : List.copyOf(counters.values())) {
            if (c.userId().equals(user)) {
                counters.remove(counterId(user, c.meter(), c.period().start()));
                counters.put(
                        counterId(pseudonym, c.meter(), c.period().start()),
                        new UsageCounter(pseudonym, c.meter(), c.period(), c.used(), c.updatedAt()));
                moved++;
            }
        }
        for (UsageKey k : List.copyOf(keys.values())) {
            if (k.userId().equals(user)) {
                keys.remove(keyId(user, k.idempotencyKey()));
                keys.put(
                        keyId(pseudonym, k.idempotencyKey()),
                        new UsageKey(
                                pseudonym,
                                k.idempotencyKey(),
                                k.meter(),
                                k.periodStart(),
                                k.fingerprint(),
                                k.amount(),
                                k.usedAfter(),
                                k.limit(),
                                k.createdAt()));
                moved++;
            }
        }
        return moved;
    }
}
