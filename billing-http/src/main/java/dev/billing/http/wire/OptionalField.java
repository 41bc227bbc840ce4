package dev.billing.http.wire;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record component that may be absent: in a request body a field the client may leave out, in a response
 * body a field the server leaves out when it has no value (the codec writes no {@code null}s). Read by the OpenAPI
 * generator: unmarked fields are {@code required}, and no field is ever {@code nullable}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.PARAMETER, ElementType.FIELD, ElementType.METHOD})
public @interface OptionalField {}
