package dev.billing.core.webhook;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.WebhookVerifier;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class DecodedEventsTest {
    private final AtomicInteger decodes = new AtomicInteger();
    private final EventObject fromPayload = new EventObject.Other("customer", "cus_1");
    private final WebhookVerifier verifier = new WebhookVerifier() {
        @Override
        public StripeEvent verify(byte[] payload, String signatureHeader) {
            throw new UnsupportedOperationException();
        }

        @Override
        public EventObject decode(StripeEvent event) {
            decodes.incrementAndGet();
            return fromPayload;
        }
    };
    private final DecodedEvents decoded = new DecodedEvents(verifier);

    private static StripeEvent event(String id) {
        return new StripeEvent(id, "customer.created", Instant.EPOCH, false, null, "cus_1", "customer", "{}");
    }

    @Test
    void aKeptObjectServesThatEventInstanceUntilForgotten() {
        StripeEvent event = event("evt_1");
        EventObject atReceipt = new EventObject.OfCustomer(CustomerId.of("cus_1"), null, null, false);
        decoded.keep(event, atReceipt);

        assertThat(decoded.decode(event)).isSameAs(atReceipt);
        assertThat(decodes).as("the payload is not read again").hasValue(0);

        decoded.forget(event);
        assertThat(decoded.size()).isZero();
        assertThat(decoded.decode(event)).isSameAs(fromPayload);
        assertThat(decodes).hasValue(1);
    }

    @Test
    void anEqualEventReadBackFromTheInboxIsDecodedAnew() {
        StripeEvent received = event("evt_1");
        decoded.keep(received, new EventObject.Other("customer", "cus_1"));

        StripeEvent readBack = event("evt_1");
        assertThat(readBack).isEqualTo(received);
        assertThat(decoded.decode(readBack)).isSameAs(fromPayload);

        decoded.forget(readBack);
        assertThat(decoded.size()).as("only the kept instance forgets its object").isEqualTo(1);
    }

    @Test
    void nothingIsKeptForAnEventThatWasNotDecodedAtReceipt() {
        StripeEvent event = event("evt_1");
        decoded.keep(event, null);

        assertThat(decoded.size()).isZero();
        assertThat(decoded.decode(event)).isSameAs(fromPayload);
    }
}
