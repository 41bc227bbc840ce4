package dev.billing.core.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.port.CustomerStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a customer's deletion does to links a store cannot, or need not, retire. */
class RetireDeletedCustomerTest {
    static final UserId ADA = UserId.of("user_ada");
    static final CustomerId DELETED = CustomerId.of("cus_deleted");

    /** A host's store from before {@link CustomerStore#retire}: it keeps the default, which refuses. */
    static final class OlderStore implements CustomerStore {
        final List<CustomerLink> links = new ArrayList<>();

        @Override
        public Optional<CustomerLink> findByUserId(UserId userId) {
            return links.stream().filter(l -> l.userId().equals(userId)).findFirst();
        }

        @Override
        public Optional<CustomerLink> findByCustomerId(CustomerId customerId) {
            return links.stream().filter(l -> l.customerId().equals(customerId)).findFirst();
        }

        @Override
        public LinkResult link(CustomerLink link) {
            links.add(link);
            return new LinkResult.Linked(link);
        }

        @Override
        public Page<CustomerLink> list(String cursor, int limit) {
            return Page.last(List.copyOf(links));
        }

        @Override
        public long count() {
            return links.size();
        }
    }

    @Test
    void aStoreThatCannotRetireKeepsTheLinkAndTheEventIsStillProcessed() {
        OlderStore store = new OlderStore();
        store.link(new CustomerLink(ADA, DELETED, null, Instant.EPOCH));
        List<CustomerId> changed = new ArrayList<>();

        boolean retired = new RetireDeletedCustomer(store, changed::add).deleted(DELETED, null);

        assertThat(retired).isFalse();
        assertThat(store.findByUserId(ADA)).map(CustomerLink::customerId).contains(DELETED);
        assertThat(changed).isEmpty();
    }

    @Test
    void anAccountIdTooLongForARetiredLinkStaysLinked() {
        OlderStore store = new OlderStore();
        UserId longId = UserId.of("user_" + "x".repeat(245)); // 250 characters: "~deleted_1" would pass 255
        store.link(new CustomerLink(longId, DELETED, null, Instant.EPOCH));

        assertThat(new RetireDeletedCustomer(store, customer -> {
                            throw new AssertionError("nothing changed");
                        })
                        .deleted(DELETED, null))
                .isFalse();
        assertThat(store.retiredOf(longId)).isEmpty();
        assertThat(store.findByUserId(longId)).isPresent();
    }

    @Test
    void anErasedOrRetiredLinkAndAnUnknownCustomerAreLeftAlone() {
        OlderStore store = new OlderStore();
        store.link(new CustomerLink(ADA.pseudonym(), DELETED, null, Instant.EPOCH));
        store.link(new CustomerLink(ADA.retiredLink(1), CustomerId.of("cus_before"), null, Instant.EPOCH));
        RetireDeletedCustomer retire = new RetireDeletedCustomer(store, customer -> {
            throw new AssertionError("nothing changed");
        });

        assertThat(retire.deleted(DELETED, null)).isFalse();
        assertThat(retire.deleted(CustomerId.of("cus_before"), null)).isFalse();
        assertThat(retire.deleted(CustomerId.of("cus_unknown"), null)).isFalse();
    }
}
