package dev.billing.clerk;

import dev.billing.core.model.OrgMembership;
import io.jsonwebtoken.Claims;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The active organization in a Clerk session token, in both claim versions, as one {@link OrgMembership} whose role
 * and permissions use the v1 form ({@code org:admin}, {@code org:<feature>:<permission>}).
 * <ul>
 *   <li>v1: {@code org_id}, {@code org_role}, {@code org_permissions} (a list);</li>
 *   <li>v2: {@code o.id}, {@code o.rol} (the role without its {@code org:} prefix), and the permissions packed as
 *       {@code o.per} (permission names), {@code fea} (features, {@code o:} for the organization's) and
 *       {@code o.fpm} (per feature, a bitmask over {@code o.per}, lowest bit first).</li>
 * </ul>
 * Anything malformed yields fewer permissions, never more.
 */
final class OrgClaims {
    static final Set<String> EXTRACTED = Set.of("org_id", "org_role", "org_permissions");
    private static final int MAX_ITEMS = 256;

    private OrgClaims() {}

    /** The active organization, or null when the token has none. */
    static OrgMembership of(Claims claims) {
        String orgId = text(claims.get("org_id"));
        if (orgId != null) {
            return new OrgMembership(orgId, text(claims.get("org_role")), v1Permissions(claims.get("org_permissions")));
        }
        if (claims.get("o") instanceof Map<?, ?> org) {
            String id = text(org.get("id"));
            if (id == null) {
                return null;
            }
            String role = text(org.get("rol"));
            if (role != null && !role.startsWith("org:")) {
                role = "org:" + role;
            }
            return new OrgMembership(
                    id, role, v2Permissions(text(claims.get("fea")), text(org.get("per")), text(org.get("fpm"))));
        }
        return null;
    }

    private static Set<String> v1Permissions(Object value) {
        Set<String> out = new LinkedHashSet<>();
        if (value instanceof Collection<?> list) {
            for (Object item : list) {
                String permission = text(item);
                if (permission != null && out.size() < MAX_ITEMS) {
                    out.add(permission);
                }
            }
        }
        return out;
    }

    /** {@code fea} "o:dashboard,o:teams", {@code per} "manage,read", {@code fpm} "3,2". */
    static Set<String> v2Permissions(String features, String permissionNames, String masks) {
        Set<String> out = new LinkedHashSet<>();
        if (features == null || permissionNames == null || masks == null) {
            return out;
        }
        List<String> feature = split(features);
        List<String> names = split(permissionNames);
        List<String> bits = split(masks);
        for (int f = 0; f < Math.min(feature.size(), bits.size()); f++) {
            String scoped = feature.get(f);
            int colon = scoped.indexOf(':');
            if (colon < 0 || !scoped.substring(0, colon).contains("o")) {
                continue; // a user-level feature: not the organization's permission
            }
            long mask;
            try {
                mask = Long.parseLong(bits.get(f));
            } catch (NumberFormatException e) {
                continue;
            }
            if (mask < 0) {
                continue; // not a mask Clerk writes: its sign bit would grant every permission
            }
            String name = scoped.substring(colon + 1);
            for (int p = 0; p < Math.min(names.size(), 63); p++) {
                if ((mask >>> p & 1) == 1 && out.size() < MAX_ITEMS) {
                    out.add("org:" + name + ":" + names.get(p));
                }
            }
        }
        return out;
    }

    private static List<String> split(String value) {
        return java.util.Arrays.stream(value.split(",", MAX_ITEMS + 1))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .limit(MAX_ITEMS)
                .toList();
    }

    private static String text(Object value) {
        return value instanceof String s && !s.isBlank() && s.length() <= 320 ? s : null;
    }
}
