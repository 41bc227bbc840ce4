package dev.billing.http.wire;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The values a text field may take, for /openapi.json ({@code enum}): listed, or taken from a core enum whose
 * constants say their wire spelling ({@code stripeName()} or {@code wireName()}), so the document follows the core.
 * Usage: {@code @OneOf({"month", "year"}) String interval} or {@code @OneOf(of = InvoiceStatus.class) String status}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
public @interface OneOf {
    String[] value() default {};

    Class<? extends Enum<?>> of() default None.class;

    /** No enum: the values are listed. */
    enum None {}
}
