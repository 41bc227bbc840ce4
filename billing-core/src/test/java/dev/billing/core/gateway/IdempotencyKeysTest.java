package dev.billing.core.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.UserId;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {

    @Test
    void customerKeysAreDeterministicPerUserAndGeneration() {
        UserId user = UserId.of("user_1");
        assertThat(IdempotencyKeys.customerCreation(user, 0)).isEqualTo(IdempotencyKeys.customerCreation(user, 0));
        assertThat(IdempotencyKeys.customerCreation(user, 0)).isNotEqualTo(IdempotencyKeys.customerCreation(user, 1));
        assertThat(IdempotencyKeys.customerCreation(user, 0))
                .isNotEqualTo(IdempotencyKeys.customerCreation(UserId.of("user_2"), 0));
        assertThat(IdempotencyKeys.customerCreation(UserId.of("u".repeat(255)), 2))
                .hasSizeLessThan(64);
    }

    @Test
    void partsAreSeparatedSoShiftedBoundariesDiffer() {
        assertThat(IdempotencyKeys.of("op", "ab", "c")).isNotEqualTo(IdempotencyKeys.of("op", "a", "bc"));
    }
}
