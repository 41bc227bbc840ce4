package dev.billing.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {

    @Test
    void anAddressKeepsItsFirstLetterAndDomain() {
        assertThat(Redaction.mask("ada.lovelace@Example.COM")).isEqualTo("a***@example.com");
        assertThat(Redaction.mask(" x@example.com ")).isEqualTo("x***@example.com");
    }

    @Test
    void somethingThatIsNotAnAddressIsHiddenCompletely() {
        assertThat(Redaction.mask("ada.lovelace")).isEqualTo("***");
        assertThat(Redaction.mask("@example.com")).isEqualTo("***");
        assertThat(Redaction.mask(null)).isEqualTo("(none)");
    }

    @Test
    void everyAddressInAServerReplyIsMasked() {
        String reply = "550 5.1.1 <ada@example.com>: Recipient address rejected; also bob.smith+tag@mail.example.org";
        assertThat(Redaction.scrub(reply))
                .isEqualTo("550 5.1.1 <a***@example.com>: Recipient address rejected; also b***@mail.example.org")
                .doesNotContain("ada@")
                .doesNotContain("bob.smith");
    }
}
