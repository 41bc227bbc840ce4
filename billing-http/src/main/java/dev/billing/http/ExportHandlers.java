package dev.billing.http;

import dev.billing.core.Billing;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.UserId;
import dev.billing.core.privacy.ErasePersonalData;
import dev.billing.http.wire.PersonalDataResponses;
import java.util.regex.Pattern;

/**
 * A data subject's rights over HTTP. {@code GET /me/export} (the caller's own data) and
 * {@code GET /admin/users/{userId}/export}: everything the local store holds about one account as one JSON document,
 * the stored webhook events embedded as the JSON they were. {@code DELETE /me?confirm=true} and
 * {@code DELETE /admin/users/{userId}?confirm=true}: erase it (ErasePersonalData), doing at Stripe what the settings
 * say.
 */
final class ExportHandlers {
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_.:@|-]{1,255}");
    private static final Pattern EMAIL = Pattern.compile("(?=.{3,254}$)[^@\\s]+@[^@\\s]+");

    private final Billing billing;
    private final JsonCodec json;
    private final ErasePersonalData.Options erasure;

    ExportHandlers(Billing billing, JsonCodec json, ErasePersonalData.Options erasure) {
        this.billing = billing;
        this.json = json;
        this.erasure = erasure;
    }

    // The caller's own request: the email Clerk verified is theirs, so their guest purchases paid with it are too.
    Object me(Call call) {
        return export(call.user(), call.identity().verifiedEmail());
    }

    Object user(Call call) {
        return export(pathUser(call), email(call));
    }

    Object eraseMe(Call call) {
        return erase(call, call.user(), call.identity().verifiedEmail());
    }

    Object eraseUser(Call call) {
        return erase(call, pathUser(call), email(call));
    }

    /** An admin's {@code email}: the account holder's address, when it may differ from their customer's. */
    private static String email(Call call) {
        String email = call.query("email").orElse(null);
        if (email != null && !EMAIL.matcher(email).matches()) {
            throw new InvalidRequestException(
                    "invalid_email",
                    "email",
                    "email must be an email address (one '@', " + "no spaces, at most 254 characters).");
        }
        return email;
    }

    private PersonalDataResponses.ErasedView erase(Call call, UserId user, String email) {
        if (!call.query("confirm").map("true"::equals).orElse(false)) {
            throw new InvalidRequestException(
                    "confirmation_required",
                    "confirm",
                    "Erasing billing data cannot be " + "undone: repeat the request with ?confirm=true.");
        }
        return PersonalDataResponses.ErasedView.of(
                billing.useCases().erasePersonalData().erase(user, erasure, email));
    }

    private static UserId pathUser(Call call) {
        String id = call.pathParam("userId");
        if (id == null || !USER_ID.matcher(id).matches()) {
            throw new InvalidRequestException(
                    "invalid_user_id", "userId", "userId must be 1-255 letters, digits or " + "_.:@|- characters.");
        }
        return UserId.of(id);
    }

    private PersonalDataResponses.PersonalDataView export(UserId user, String email) {
        return PersonalDataResponses.PersonalDataView.of(
                billing.useCases().exportPersonalData().export(user, email),
                billing.useCases().entitlementPolicy().catalog(),
                json::embeddable);
    }
}
