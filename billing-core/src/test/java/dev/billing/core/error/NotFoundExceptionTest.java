package dev.billing.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NotFoundExceptionTest {

    @Test
    void namesTheResourceInItsCode() {
        assertThat(new NotFoundException("subscription", "sub_1").code()).isEqualTo("subscription_not_found");
    }

    @Test
    void neverEchoesALongOrControlLadenIdInFull() {
        String message = new NotFoundException("invoice", "in_" + "x".repeat(5_000) + "\n\u0007").getMessage();
        assertThat(message).hasSizeLessThan(120).doesNotContain("\n").contains("...");
        assertThat(new NotFoundException("invoice", "bad\nid").getMessage()).isEqualTo("No invoice with id bad?id.");
    }
}
