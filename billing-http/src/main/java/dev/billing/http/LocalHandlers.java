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
        LocalTokens.Issued issued = tokens.issue(user);
        return new Responses.LocalToken(issued.token(), user, issued.expiresAt());
    }
}
