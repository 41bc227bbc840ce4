package dev.billing.http;

import dev.billing.core.error.InvalidRequestException;
import dev.billing.http.wire.Requests;
import dev.billing.http.wire.Responses;
import java.util.regex.Pattern;

/**
 * Local mode only: {@code POST /local/token} mints a session token for any user id, with the claims a customized
 * Clerk session token carries (an email and whether it is verified, the active organization with the user's role and
 * permissions in Clerk's v1 form), each checked as the verifier would read it: a value it would not accept is a 400
 * here, never a token that silently means less.
 */
final class LocalHandlers {
    /** What {@code ClerkClaims} reads as an email: at most 320 characters; here also one {@code @} and no spaces. */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s\\p{Cntrl}]{1,64}@[^@\\s\\p{Cntrl}]{1,253}");

    private final LocalTokens tokens;

    LocalHandlers(LocalTokens tokens) {
        this.tokens = tokens;
    }

    Object token(Call call) {
        Requests.LocalToken body = call.body(Requests.LocalToken.class);
        String user = body.userId();
        if (user == null || !user.matches("[A-Za-z0-9_.@-]{1,128}")) {
            throw new InvalidRequestException(
                    "invalid_user_id", "userId", "userId must be 1-128 letters, digits, '.', '@', '-' or '_'.");
        }
        LocalTokens.Email email = null;
        if (body.email() != null) {
            if (!EMAIL.matcher(body.email()).matches()) {
                throw new InvalidRequestException(
                        "invalid_email",
                        "email",
                        "email must be an address like "
                                + "ada@example.com (one @, no spaces, at most 64 characters before it).");
            }
            email = new LocalTokens.Email(body.email(), Boolean.TRUE.equals(body.emailVerified()));
        } else if (body.emailVerified() != null) {
            throw new InvalidRequestException(
                    "missing_field", "email", "emailVerified needs email: the address " + "it says is verified.");
        }
        LocalTokens.Org org = null;
        if (body.orgId() != null) {
            if (!body.orgId().matches("org_[A-Za-z0-9]{1,64}")) {
                throw new InvalidRequestException(
                        "invalid_org_id", "orgId", "orgId must be org_ and 1-64 letters or " + "digits.");
            }
            String role = body.orgRole() == null ? "org:member" : body.orgRole();
            if (!role.matches("org:[a-z0-9_]{1,64}")) {
                throw new InvalidRequestException("invalid_org_role", "orgRole", "orgRole must look like org:admin.");
            }
            java.util.List<String> permissions =
                    body.orgPermissions() == null ? java.util.List.of() : body.orgPermissions();
            if (permissions.size() > 64
                    || permissions.stream()
                            .anyMatch(p -> p == null || !p.matches("org:[a-z0-9_]{1,64}:[a-z0-9_]{1,64}"))) {
                throw new InvalidRequestException(
                        "invalid_org_permissions",
                        "orgPermissions",
                        "orgPermissions must be at most 64 entries like org:billing:manage.");
            }
            org = new LocalTokens.Org(body.orgId(), role, permissions);
        } else if (body.orgRole() != null || body.orgPermissions() != null) {
            throw new InvalidRequestException("missing_field", "orgId", "orgRole and orgPermissions need orgId.");
        }
        LocalTokens.Issued issued = tokens.issue(user, email, org);
        return new Responses.LocalToken(issued.token(), user, issued.expiresAt());
    }
}
