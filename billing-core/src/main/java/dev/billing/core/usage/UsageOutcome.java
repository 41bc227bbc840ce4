package dev.billing.core.usage;

import dev.billing.core.model.usage.UsagePeriod;
import dev.billing.core.model.usage.UsageResult;

/** What recording usage did, and in which period. */
public record UsageOutcome(String meter, UsagePeriod period, UsageResult result) {}
