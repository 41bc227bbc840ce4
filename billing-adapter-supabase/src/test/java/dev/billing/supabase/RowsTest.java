package dev.billing.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RowsTest {

    @Test
    void aQuotedValueKeepsPostgrestSyntaxAsText() {
        assertThat(Rows.quoted("api_calls")).isEqualTo("\"api_calls\"");
        assertThat(Rows.quoted("a,b.c:(d)")).isEqualTo("\"a,b.c:(d)\"");
        assertThat(Rows.quoted("say \"hi\" \\o/")).isEqualTo("\"say \\\"hi\\\" \\\\o/\"");
        assertThat(Rows.quoted("")).isEqualTo("\"\"");
    }
}
