package dev.billing.emulator;

import java.time.Instant;

/**
 * An event the emulator generated (also available via {@code GET /v1/events}).
 *
 * <p>Usage: {@code emulator.events().stream().map(EmittedEvent::type).toList()}
 *
 * @param id {@code evt_...}
 * @param type e.g. {@code invoice.paid}
 * @param created emulated creation time
 * @param objectId id of {@code data.object}
 * @param json the full event JSON, exactly as delivered to webhooks
 */
public record EmittedEvent(String id, String type, Instant created, String objectId, String json) {}
