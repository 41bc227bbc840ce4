package dev.billing.http;

import dev.billing.core.error.InvalidRequestException;
import dev.billing.http.wire.Requests;
import dev.billing.http.wire.Responses;

/** Local mode only: {@code POST /local/token} mints a session token for any user id. */
final class LocalHandlers {
    private final LocalTokens tokens;

    LocalHandlers(LocalTokens tokens) {
        this.tokens = tokens;
    }

    Object token(Call call) {
        Requests.LocalToken body = call.body(Requests.LocalToken.class);
        String user = body.userId();
        if (user == null || !user.matches("[A-Za-z0-9_.@-]{1,128}")) {
            throw new InvalidRequestException("invalid_user_id", "userId",
                    "userId must be 1-128 letters, digits, '.', '@', '-' or '_'.");
        }
        LocalTokens.Org org = null;
        if (body.orgId() != null) {
            if (!body.orgId().matches("org_[A-Za-z0-9]{1,64}")) {
                throw new InvalidRequestException("invalid_org_id", "orgId", "orgId must be org_ and 1-64 letters or "
                        + "digits.");
            }
            String role = body.orgRole() == null ? "org:member" : body.orgRole();
            if (!role.matches("org:[a-z0-9_]{1,64}")) {
                throw new InvalidRequestException("invalid_org_role", "orgRole", "orgRole must look like org:admin.");
            }
            java.util.List<String> permissions = body.orgPermissions() == null ? java.util.List.of()
                    : body.orgPermissions();
            if (permissions.size() > 64 || permissions.stream()
                    .anyMatch(p -> p == null || !p.matches("org:[a-z0-9_]{1,64}:[a-z0-9_]{1,64}"))) {
                throw new InvalidRequestException("invalid_org_permissions", "orgPermissions",
                        "orgPermissions must be at most 64 entries like org:billing:manage.");
            }
            org = new LocalTokens.Org(body.orgId(), role, permissions);
        } else if (body.orgRole() != null || body.orgPermissions() != null) {
            throw new InvalidRequestException("missing_field", "orgId", "orgRole and orgPermissions need orgId.");
        }
        LocalTokens.Issued issued = tokens.issue(user, org);
        return new Responses.LocalToken(issued.token(), user, issued.expiresAt());
    }
}
