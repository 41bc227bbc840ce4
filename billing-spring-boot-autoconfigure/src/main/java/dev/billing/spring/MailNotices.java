package dev.billing.spring;

import dev.billing.core.port.Notifier;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.mail.javamail.JavaMailSender;

/** The mail notifier, in a class of its own so that Spring's mail classes load only when they are present. */
final class MailNotices {
    private MailNotices() {}

    /** A notifier on the application's JavaMailSender, or null when the application has none. */
    static Notifier notifier(BeanFactory beans, BillingProperties.Notices notices) {
        JavaMailSender sender = beans.getBeanProvider(JavaMailSender.class).getIfAvailable();
        return sender == null
                ? null
                : new MailSenderNotifier(sender, notices.getFrom().strip(), notices.getAppName());
    }
}
