package dev.billing.core.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Not API: a type that is public only so that the core's capability packages can share it, or a use case's
 * constructor, which {@code UseCases} calls with the core's internal parts (a host gets use cases from {@code
 * Billing.useCases()}). It may change or go in any release, the API check (japicmp, docs/RELEASING.md) ignores it, no public member of an API type takes or returns
 * one ({@code CoreArchitectureTest}), and billing's other modules never use one (their architecture tests).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.CONSTRUCTOR, ElementType.METHOD})
public @interface Internal {}
