package dev.billing.testkit.fake;

import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.model.notice.NoticeEntry;
import dev.billing.core.model.notice.NoticeQuery;
import dev.billing.core.model.notice.NoticeRecord;
import dev.billing.core.model.notice.NoticeStatus;
import dev.billing.core.port.NoticeLog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link NoticeLog} in memory, with the rules of the Postgres and Supabase stores (V13, 013): rows numbered in
 * order, listed newest first by a keyset cursor. Only a down switch fails it: counted failures are left to the
 * ports the tests aim them at.
 *
 * <p>Usage: {@code stores.notices().list(NoticeQuery.all(10)).items()}
 */
public final class InMemoryNoticeLog implements NoticeLog {
    private final StoreSwitch storeSwitch;
    private final List<NoticeEntry> rows = new ArrayList<>();
    private long lastId;

    public InMemoryNoticeLog(StoreSwitch storeSwitch) {
        this.storeSwitch = storeSwitch;
    }

    @Override
    public synchronized void record(NoticeRecord entry) {
        storeSwitch.checkUp();
        rows.add(new NoticeEntry(++lastId, entry));
    }

    /** Kept in id order, so the listing stays newest first whatever order a copy restores rows in. */
    @Override
    public synchronized boolean restore(NoticeEntry entry) {
        storeSwitch.checkUp();
        int low = 0;
        int high = rows.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (rows.get(mid).id() < entry.id()) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        int at = low;
        if (at < rows.size() && rows.get(at).id() == entry.id()) {
            if (rows.get(at).equals(entry)) {
                return false;
            }
            rows.set(at, entry);
        } else {
            rows.add(at, entry);
        }
        lastId = Math.max(lastId, entry.id());
        return true;
    }

    @Override
    public synchronized boolean wentOut(String eventId, UserId user) {
        storeSwitch.checkUp();
        return rows.stream()
                .map(NoticeEntry::record)
                .anyMatch(r ->
                        r.eventId().equals(eventId) && r.userId().equals(user) && r.status() != NoticeStatus.FAILED);
    }

    @Override
    public synchronized boolean remove(long id) {
        storeSwitch.checkUp();
        return rows.removeIf(row -> row.id() == id);
    }

    /** The oldest {@code max} rows by id, those of them attempted before {@code before}: as the stores do it. */
    @Override
    public synchronized int prune(Instant before, int max) {
        storeSwitch.checkUp();
        List<NoticeEntry> oldest = rows.subList(0, Math.min(max, rows.size()));
        int size = rows.size();
        oldest.removeIf(row -> row.record().at().isBefore(before));
        return size - rows.size();
    }

    @Override
    public synchronized Page<NoticeEntry> list(NoticeQuery query) {
        storeSwitch.checkUp();
        List<NoticeEntry> matching = new ArrayList<>();
        for (int i = rows.size() - 1; i >= 0 && matching.size() <= query.limit(); i--) {
            if (query.matches(rows.get(i))) {
                matching.add(rows.get(i));
            }
        }
        if (matching.size() <= query.limit()) {
            return Page.last(matching);
        }
        List<NoticeEntry> page = matching.subList(0, query.limit());
        return new Page<>(
                page, true, NoticeQuery.cursorAfter(page.get(page.size() - 1).id()));
    }

    @Override
    public synchronized List<NoticeEntry> forUser(UserId user) {
        storeSwitch.checkUp();
        List<NoticeEntry> found = new ArrayList<>();
        for (int i = rows.size() - 1; i >= 0; i--) {
            if (rows.get(i).record().userId().equals(user)) {
                found.add(rows.get(i));
            }
        }
        return found;
    }

    @Override
    public synchronized int pseudonymise(UserId user, UserId pseudonym) {
        storeSwitch.checkUp();
        int changed = 0;
        for (int i = 0; i < rows.size(); i++) {
            NoticeRecord r = rows.get(i).record();
            if (r.userId().equals(user)) {
                rows.set(
                        i,
                        new NoticeEntry(
                                rows.get(i).id(),
                                new NoticeRecord(
                                        r.eventId(),
                                        r.kind(),
                                        pseudonym,
                                        r.customerId(),
                                        r.status(),
                                        r.messageId(),
                                        null,
                                        r.at())));
                changed++;
            }
        }
        return changed;
    }
}
