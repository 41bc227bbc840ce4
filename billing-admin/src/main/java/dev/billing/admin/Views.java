package dev.billing.admin;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's templates (Mustache, from the jar; every value HTML-escaped unless a template says otherwise,
 * and none does).
 */
final class Views {
    private final MustacheFactory factory = new DefaultMustacheFactory("dev/billing/admin/templates");
    private final Map<String, Mustache> compiled = new ConcurrentHashMap<>();

    /** A page's model: its title, which navigation entry is current, and the CSRF token its forms post. */
    static Map<String, Object> model(String csrf, String title, String nav) {
        Map<String, Object> m = new HashMap<>();
        m.put("csrf", csrf);
        m.put("title", title);
        m.put("nav_" + nav, Boolean.TRUE);
        m.put("signedIn", csrf != null);
        return m;
    }

    String render(String template, Map<String, Object> model) {
        Mustache mustache = compiled.computeIfAbsent(template, t -> factory.compile(t + ".mustache"));
        StringWriter out = new StringWriter();
        mustache.execute(out, model);
        return out.toString();
    }

    String signIn(String next, String error) {
        Map<String, Object> m = model(null, "Sign in", "none");
        m.put("next", next);
        m.put("error", error);
        return render("sign-in", m);
    }

    String error(String csrf, int status, String message) {
        Map<String, Object> m = model(csrf, "Error " + status, "none");
        m.put("status", status);
        m.put("message", message);
        return render("error", m);
    }

    /** A refused form or session: no navigation, a way back to sign in. */
    String refusal(int status, String message) {
        Map<String, Object> m = model(null, "Refused", "none");
        m.put("status", status);
        m.put("message", message);
        return render("error", m);
    }
}
