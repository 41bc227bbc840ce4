package dev.billing.core.usecase;

import dev.billing.core.model.UsagePeriod;
import dev.billing.core.model.UsageResult;

/** What recording usage did, and in which period. */
public record UsageOutcome(String meter, UsagePeriod period, UsageResult result) {
}
