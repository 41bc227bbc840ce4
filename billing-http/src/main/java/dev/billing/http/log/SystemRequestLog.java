package dev.billing.http.log;

import java.lang.System.Logger.Level;

/**
 * The access line as plain text through {@code System.Logger}, the facade every library module uses: a host with no
 * logging set up still sees it (the JDK writes it through {@code java.util.logging}). The fields follow the message as
 * {@code key=value}, since {@code System.Logger} has no structured fields.
 */
final class SystemRequestLog implements RequestLog {
    static final SystemRequestLog INSTANCE = new SystemRequestLog();
    private static final System.Logger ACCESS = System.getLogger("dev.billing.http.access");

    private SystemRequestLog() {}

    @Override
    public void completed(AccessEntry e) {
        if (!ACCESS.isLoggable(Level.INFO)) {
            return;
        }
        StringBuilder line = new StringBuilder(128)
                .append(e.method())
                .append(' ')
                .append(e.path())
                .append(' ')
                .append(e.status())
                .append(' ')
                .append(e.millis())
                .append("ms route=")
                .append(e.route())
                .append(" requestId=")
                .append(e.requestId())
                .append(" ip=")
                .append(e.ip());
        if (e.userId() != null) {
            line.append(" userId=").append(e.userId());
        }
        if (e.serviceKey() != null) {
            line.append(" serviceKey=").append(e.serviceKey());
        }
        ACCESS.log(Level.INFO, line.toString());
    }
}
