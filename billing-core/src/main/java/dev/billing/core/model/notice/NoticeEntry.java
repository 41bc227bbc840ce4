package dev.billing.core.model.notice;

import java.util.Objects;

/** A notice log row: its {@code id} orders rows (the newest has the highest) and keys {@link NoticeQuery}'s cursor. */
public record NoticeEntry(long id, NoticeRecord record) {
    public NoticeEntry {
        Objects.requireNonNull(record, "record");
    }
}
