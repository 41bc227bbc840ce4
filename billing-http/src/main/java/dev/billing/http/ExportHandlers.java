package dev.billing.http;

import dev.billing.core.Billing;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.UserId;
import dev.billing.http.wire.Responses;

import java.util.regex.Pattern;

/**
 * {@code GET /me/export} (the caller's own data) and {@code GET /admin/users/{userId}/export}: everything the local
 * store holds about one account as one JSON document, the stored webhook events embedded as the JSON they were.
 */
final class ExportHandlers {
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_.:@|-]{1,255}");

    private final Billing billing;
    private final JsonCodec json;

    ExportHandlers(Billing billing, JsonCodec json) {
        this.billing = billing;
        this.json = json;
    }

    Object me(Call call) {
        return export(call.user());
    }

    Object user(Call call) {
        String id = call.pathParam("userId");
        if (id == null || !USER_ID.matcher(id).matches()) {
            throw new InvalidRequestException("invalid_user_id", "userId", "userId must be 1-255 letters, digits or "
                    + "_.:@|- characters.");
        }
        return export(UserId.of(id));
    }

    private Responses.PersonalDataView export(UserId user) {
        return Responses.PersonalDataView.of(billing.useCases().exportPersonalData().export(user),
                billing.useCases().entitlementPolicy().catalog(), json::embeddable);
    }
}
