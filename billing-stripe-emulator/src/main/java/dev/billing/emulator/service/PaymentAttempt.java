package dev.billing.emulator.service;

import java.util.Map;

/**
 * Result of one attempt to charge a card (no events emitted yet): the payment intent and charge
 * it created, or why there were none ({@code noPaymentMethod}, or nothing to pay).
 */
public record PaymentAttempt(
        boolean succeeded,
        Map<String, Object> paymentIntent,
        Map<String, Object> charge,
        String declineCode,
        String message,
        boolean noPaymentMethod) {}
