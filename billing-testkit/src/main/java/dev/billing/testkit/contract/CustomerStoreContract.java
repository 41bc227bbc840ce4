package dev.billing.testkit.contract;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.Page;
import dev.billing.core.model.UserId;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.CustomerStore.LinkResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every {@link CustomerStore} guarantees (I3). Subclass it once per implementation:
 *
 * <pre>{@code class JdbiCustomerStoreContractTest extends CustomerStoreContract {
 *     protected CustomerStore store() { return stores.customers(); } }}</pre>
 *
 * Tests use unique ids, so the store may be shared between tests.
 */
public abstract class CustomerStoreContract {
    private CustomerStore store;

    /** The store under test; called before each test. */
    protected abstract CustomerStore store();

    @BeforeEach
    void setUpStore() {
        store = store();
    }

    private static CustomerLink link(String user, String customer) {
        return new CustomerLink(UserId.of(user), CustomerId.of(customer), user + "@example.com", T0);
    }

    @Nested
    @DisplayName("a customer deleted at Stripe")
    class Retirement {
        @Test
        @DisplayName("its link moves to the holder as it stands, and the account can link a new customer")
        void retireMovesTheLinkAndFreesTheAccount() {
            String user = unique("user_");
            String deleted = unique("cus_");
            CustomerLink link = link(user, deleted);
            store.link(link);
            UserId holder = UserId.of(user).retiredLink(1);

            assertThat(store.retire(link, holder, null)).isTrue();

            assertThat(store.findByUserId(UserId.of(user))).isEmpty();
            assertThat(store.findByUserId(holder)).hasValueSatisfying(l -> {
                assertThat(l.customerId()).isEqualTo(CustomerId.of(deleted));
                assertThat(l.email()).isEqualTo(user + "@example.com");
            });
            assertThat(store.findByCustomerId(CustomerId.of(deleted)))
                    .map(CustomerLink::userId)
                    .contains(holder);
            assertThat(store.link(link(user, deleted)))
                    .as("the deleted customer stays taken: a late webhook cannot link it again")
                    .isInstanceOf(LinkResult.CustomerAlreadyLinked.class);
            String next = unique("cus_");
            assertThat(store.link(link(user, next))).isInstanceOf(LinkResult.Linked.class);
            assertThat(store.retiredOf(UserId.of(user)))
                    .extracting(CustomerLink::customerId)
                    .containsExactly(CustomerId.of(deleted));
        }

        @Test
        @DisplayName("only the account's standing link to that customer moves, once")
        void retireMovesOnlyTheStandingLink() {
            String user = unique("user_");
            CustomerLink link = link(user, unique("cus_"));
            store.link(link);
            CustomerLink other = link(user, unique("cus_"));

            assertThat(store.retire(other, UserId.of(user).retiredLink(1), null))
                    .as("a late deletion of a customer the account no longer has")
                    .isFalse();
            assertThat(store.findByUserId(UserId.of(user))).contains(link);
            assertThat(store.retire(link, UserId.of(user).retiredLink(1), null)).isTrue();
            assertThat(store.retire(link, UserId.of(user).retiredLink(2), null)).isFalse();
            assertThat(store.findByUserId(UserId.of(user).retiredLink(2))).isEmpty();
        }

        @Test
        @DisplayName("the account's retired links are listed oldest first, and an erasure moves each")
        void retiredLinksAreListedAndErased() {
            String user = unique("user_");
            UserId account = UserId.of(user);
            List<String> customers = List.of(unique("cus_"), unique("cus_"), unique("cus_"));
            for (int i = 0; i < 2; i++) {
                CustomerLink link = link(user, customers.get(i));
                store.link(link);
                assertThat(store.retire(link, account.retiredLink(i + 1), null)).isTrue();
            }
            store.link(link(user, customers.get(2)));

            assertThat(store.retiredOf(account))
                    .extracting(CustomerLink::customerId)
                    .containsExactly(CustomerId.of(customers.get(0)), CustomerId.of(customers.get(1)));
            assertThat(store.retiredOf(account))
                    .allSatisfy(l -> assertThat(l.userId().account()).isEqualTo(account));

            UserId pseudonym = UserId.of(UserId.PSEUDONYM_PREFIX + unique("p"));
            assertThat(store.pseudonymise(account.retiredLink(1), pseudonym)).isTrue();
            assertThat(store.findByCustomerId(CustomerId.of(customers.get(0)))).hasValueSatisfying(l -> {
                assertThat(l.userId()).isEqualTo(pseudonym);
                assertThat(l.email()).isNull();
            });
        }
    }

    @Nested
    @DisplayName("erasure")
    class Erasure {
        @Test
        @DisplayName("the link keeps its customer under the pseudonym, without the email, once")
        void pseudonymiseKeepsTheCustomerUnderThePseudonym() {
            String user = unique("user_");
            String customer = unique("cus_");
            UserId pseudonym = UserId.of(UserId.PSEUDONYM_PREFIX + unique("p"));
            store.link(link(user, customer));

            assertThat(store.pseudonymise(UserId.of(user), pseudonym)).isTrue();

            assertThat(store.findByUserId(UserId.of(user))).isEmpty();
            assertThat(store.findByUserId(pseudonym)).hasValueSatisfying(l -> {
                assertThat(l.customerId()).isEqualTo(CustomerId.of(customer));
                assertThat(l.email()).isNull();
            });
            assertThat(store.findByCustomerId(CustomerId.of(customer)))
                    .map(CustomerLink::userId)
                    .contains(pseudonym);
            assertThat(store.pseudonymise(UserId.of(user), pseudonym)).isFalse();
            // The erased user's customer stays taken: a late webhook cannot link it to the user again.
            assertThat(store.link(link(user, customer))).isInstanceOf(LinkResult.CustomerAlreadyLinked.class);
            assertThat(store.findByUserId(UserId.of(user))).isEmpty();
        }
    }

    @Nested
    @DisplayName("links")
    class Links {

        @Test
        @DisplayName("a link is found from either side, exactly as stored")
        void linkIsFoundFromBothSides() {
            CustomerLink link = link(unique("user_"), unique("cus_"));
            assertThat(store.link(link)).isEqualTo(new LinkResult.Linked(link));
            assertThat(store.findByUserId(link.userId())).contains(link);
            assertThat(store.findByCustomerId(link.customerId())).contains(link);
        }

        @Test
        @DisplayName("many customers are found at once: the linked ones, each exactly as stored")
        void manyCustomersAreFoundAtOnce() {
            List<CustomerLink> links = new java.util.ArrayList<>();
            for (int i = 0; i < 130; i++) { // more than one request's worth where a store splits the list
                CustomerLink link = link(unique("user_many_"), unique("cus_many_"));
                assertThat(store.link(link)).isEqualTo(new LinkResult.Linked(link));
                links.add(link);
            }
            CustomerId unknown = CustomerId.of(unique("cus_nobody_"));
            List<CustomerId> asked = new java.util.ArrayList<>(
                    links.stream().map(CustomerLink::customerId).toList());
            asked.add(unknown);
            asked.add(links.get(0).customerId()); // named twice
            java.util.Map<CustomerId, CustomerLink> found = store.findByCustomerIds(asked);
            assertThat(found).hasSize(links.size()).doesNotContainKey(unknown);
            links.forEach(link -> assertThat(found.get(link.customerId())).isEqualTo(link));
            assertThat(store.findByCustomerIds(List.of())).isEmpty();
        }

        @Test
        @DisplayName("an email finds its links ignoring case, and only exact matches")
        void emailFindsItsLinks() {
            String tag = unique("e");
            CustomerLink one = new CustomerLink(
                    UserId.of(unique("user_mail_")),
                    CustomerId.of(unique("cus_mail_")),
                    "Ada_" + tag + "@Example.com",
                    java.time.Instant.parse("2026-01-01T00:00:00Z"));
            CustomerLink two = new CustomerLink(
                    UserId.of(unique("user_mail_")),
                    CustomerId.of(unique("cus_mail_")),
                    "ada_" + tag + "@example.com",
                    java.time.Instant.parse("2026-01-02T00:00:00Z"));
            CustomerLink lookalike = new CustomerLink(
                    UserId.of(unique("user_mail_")),
                    CustomerId.of(unique("cus_mail_")),
                    "adax" + tag + "@example.com",
                    java.time.Instant.parse("2026-01-03T00:00:00Z"));
            List.of(one, two, lookalike).forEach(store::link);
            assertThat(store.findByEmail("ADA_" + tag + "@example.COM", 10)).containsExactlyInAnyOrder(one, two);
            assertThat(store.findByEmail("ada_" + tag + "@example.com", 1)).hasSize(1);
            assertThat(store.findByEmail("nobody_" + tag + "@example.com", 10)).isEmpty();
        }

        @Test
        void anUnknownUserOrCustomerIsEmpty() {
            assertThat(store.findByUserId(UserId.of(unique("nobody_")))).isEmpty();
            assertThat(store.findByCustomerId(CustomerId.of(unique("cus_nobody_"))))
                    .isEmpty();
        }

        @Test
        @DisplayName("a second link for the user returns the first, unchanged")
        void secondLinkForTheUserKeepsTheFirst() {
            String user = unique("user_");
            CustomerLink first = link(user, unique("cus_"));
            store.link(first);
            LinkResult second = store.link(link(user, unique("cus_")));
            assertThat(second).isEqualTo(new LinkResult.UserAlreadyLinked(first));
            assertThat(store.findByUserId(first.userId())).contains(first);
        }

        @Test
        void relinkingTheSamePairIsHarmless() {
            CustomerLink link = link(unique("user_"), unique("cus_"));
            store.link(link);
            assertThat(store.link(link)).isEqualTo(new LinkResult.UserAlreadyLinked(link));
        }

        @Test
        @DisplayName("a customer linked to one user cannot be linked to another")
        void aCustomerBelongsToOneUser() {
            String customer = unique("cus_");
            CustomerLink first = link(unique("user_"), customer);
            store.link(first);
            CustomerLink other = link(unique("user_"), customer);
            assertThat(store.link(other)).isEqualTo(new LinkResult.CustomerAlreadyLinked(first));
            assertThat(store.findByUserId(other.userId())).isEmpty();
        }

        @Test
        @DisplayName("linkAll answers each link as linking them one by one in that order would")
        void linkAllAnswersInOrder() {
            String user = unique("user_");
            String customer = unique("cus_");
            CustomerLink existing = link(unique("user_"), unique("cus_"));
            store.link(existing);
            CustomerLink fresh = link(user, customer);
            CustomerLink sameUserAgain = link(user, unique("cus_"));
            CustomerLink otherUserSameCustomer = link(unique("user_"), customer);
            CustomerLink existingAgain = link(existing.userId().value(), unique("cus_"));
            List<CustomerLink> batch =
                    new ArrayList<>(List.of(fresh, sameUserAgain, otherUserSameCustomer, existingAgain));
            for (int i = 0; i < 70; i++) { // more than one statement's worth
                batch.add(link(unique("user_"), unique("cus_")));
            }
            List<LinkResult> results = store.linkAll(batch);
            assertThat(results).hasSize(batch.size());
            assertThat(results.subList(0, 4))
                    .containsExactly(
                            new LinkResult.Linked(fresh),
                            new LinkResult.UserAlreadyLinked(fresh),
                            new LinkResult.CustomerAlreadyLinked(fresh),
                            new LinkResult.UserAlreadyLinked(existing));
            for (int i = 4; i < batch.size(); i++) {
                assertThat(results.get(i)).isEqualTo(new LinkResult.Linked(batch.get(i)));
                assertThat(store.findByUserId(batch.get(i).userId())).contains(batch.get(i));
            }
            assertThat(store.findByUserId(otherUserSameCustomer.userId())).isEmpty();
            assertThat(store.linkAll(List.of())).isEmpty();
        }

        @Test
        void emailIsOptional() {
            CustomerLink link = new CustomerLink(UserId.of(unique("user_")), CustomerId.of(unique("cus_")), null, T0);
            store.link(link);
            assertThat(store.findByUserId(link.userId())).contains(link);
        }
    }

    @Nested
    @DisplayName("under concurrency")
    class Concurrency {

        @Test
        @DisplayName("20 racing links for one user leave exactly one, and every racer sees it")
        void racingLinksForOneUserLeaveOne() {
            String user = unique("user_");
            List<LinkResult> results = Race.run(20, i -> store.link(link(user, unique("cus_race_"))));
            List<LinkResult> linked =
                    results.stream().filter(r -> r instanceof LinkResult.Linked).toList();
            assertThat(linked).hasSize(1);
            CustomerLink winner = linked.get(0).link();
            assertThat(results).allSatisfy(r -> assertThat(r.link()).isEqualTo(winner));
            assertThat(store.findByUserId(UserId.of(user))).contains(winner);
        }

        @Test
        @DisplayName("20 users racing for one customer: one wins")
        void racingUsersForOneCustomerLeaveOne() {
            String customer = unique("cus_");
            List<LinkResult> results = Race.run(20, i -> store.link(link(unique("user_race_"), customer)));
            assertThat(results.stream().filter(r -> r instanceof LinkResult.Linked))
                    .hasSize(1);
            assertThat(results.stream().filter(r -> r instanceof LinkResult.CustomerAlreadyLinked))
                    .hasSize(19);
        }

        @Test
        @DisplayName("a link racing the removal of the link in its way links, or names the one still standing")
        void aLinkRacingTheRemovalInItsWayLinksOrNamesIt() {
            // The conflict a link meets may be gone when it looks for it (a migration removes and writes side by
            // side): it must link then, not fail.
            for (int round = 0; round < 40; round++) {
                String customer = unique("cus_gone_");
                CustomerLink holder = link(unique("user_held_"), customer);
                CustomerLink next = link(unique("user_next_"), customer);
                store.link(holder);
                boolean batch = round % 2 == 1;
                List<Object> results = Race.run(
                        2,
                        i -> i == 0
                                ? (Object) store.remove(holder.userId())
                                : batch ? store.linkAll(List.of(next)).get(0) : store.link(next));
                assertThat(results.get(0)).isEqualTo(true);
                assertThat(results.get(1))
                        .isIn(new LinkResult.Linked(next), new LinkResult.CustomerAlreadyLinked(holder));
            }
        }
    }

    @Nested
    @DisplayName("listing")
    class Listing {

        @Test
        @DisplayName("pages through every link in user order, without gaps or repeats")
        void pagesThroughEveryLink() {
            String prefix = unique("list_");
            Set<UserId> mine = new java.util.HashSet<>();
            long before = store.count();
            for (int i = 0; i < 25; i++) {
                CustomerLink link = link(prefix + String.format("%02d", i), unique("cus_"));
                store.link(link);
                mine.add(link.userId());
            }
            assertThat(store.count()).isEqualTo(before + 25);
            List<CustomerLink> all = new ArrayList<>();
            String cursor = null;
            do {
                Page<CustomerLink> page = store.list(cursor, 7);
                assertThat(page.items()).hasSizeLessThanOrEqualTo(7);
                all.addAll(page.items());
                cursor = page.nextCursor();
            } while (cursor != null);
            List<String> users = all.stream().map(l -> l.userId().value()).toList();
            assertThat(users).doesNotHaveDuplicates().isSorted();
            assertThat(all.stream().map(CustomerLink::userId).collect(Collectors.toSet()))
                    .containsAll(mine);
            assertThat(all).hasSize((int) store.count());
        }
    }
}
