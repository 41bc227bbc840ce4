package dev.billing.server;

import dev.billing.http.LocalTokens;
import io.jsonwebtoken.Jwts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

/**
 * Local mode's token issuer: an RSA key pair created at first start and kept under the data directory (so tokens
 * and the verifier survive restarts), and Clerk-shaped session tokens signed with it. The verifier runs in PEM
 * mode on the public half; nothing here is used outside local mode.
 *
 * <p>Usage: {@code LocalKeys keys = LocalKeys.loadOrCreate(dir, issuer, clock); String jwt = keys.issue("user_1").token();}
 */
public final class LocalKeys implements LocalTokens {
    static final String KID = "local";
    static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
    private static final String FILE = "local-signing-key.pem";

    private final KeyPair pair;
    private final String issuer;
    private final Clock clock;

    private LocalKeys(KeyPair pair, String issuer, Clock clock) {
        this.pair = pair;
        this.issuer = issuer;
        this.clock = clock;
    }

    /** A new key pair held in memory only. */
    public static LocalKeys generate(String issuer, Clock clock) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return new LocalKeys(generator.generateKeyPair(), issuer, clock);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate RSA keys", e);
        }
    }

    /**
     * The key pair of a PKCS#8 RSA private key PEM file (the public half from its CRT parameters).
     *
     * @throws IOException when the file cannot be read
     * @throws GeneralSecurityException when it holds no RSA private key
     */
    public static LocalKeys read(Path privateKeyPem, String issuer, Clock clock)
            throws IOException, GeneralSecurityException {
        return new LocalKeys(read(privateKeyPem), issuer, clock);
    }

    /** Reads {@code <dir>/local-signing-key.pem}, or creates it (owner read/write only). */
    public static LocalKeys loadOrCreate(Path dir, String issuer, Clock clock) {
        Path file = dir.resolve(FILE);
        try {
            Files.createDirectories(dir);
            if (Files.exists(file)) {
                return new LocalKeys(read(file), issuer, clock);
            }
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Path tmp = Files.createTempFile(dir, "key", ".tmp");
            restrict(tmp);
            Files.writeString(tmp, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return new LocalKeys(pair, issuer, clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the local signing key in " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the local signing key in " + file + " is unusable", e);
        }
    }

    public String publicKeyPem() {
        return pem("PUBLIC KEY", pair.getPublic().getEncoded());
    }

    public String issuer() {
        return issuer;
    }

    @Override
    public Issued issue(String userId, Email email, Org org) {
        String session =
                "sess_local_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        return issue(userId, session, TOKEN_LIFETIME, email, org);
    }

    /** A Clerk-shaped session token for {@code userId} in {@code sessionId}, valid for {@code lifetime}. */
    public Issued issue(String userId, String sessionId, Duration lifetime) {
        return issue(userId, sessionId, lifetime, null, null);
    }

    /** The same with an active organization (Clerk's v1 claims org_id, org_role, org_permissions). */
    public Issued issue(String userId, String sessionId, Duration lifetime, Org org) {
        return issue(userId, sessionId, lifetime, null, org);
    }

    /**
     * The same with the user's email too, as a Clerk session token customized with {@code email} and
     * {@code email_verified} carries it.
     */
    public Issued issue(String userId, String sessionId, Duration lifetime, Email email, Org org) {
        Instant now = clock.instant();
        Instant expires = now.plus(lifetime);
        var claims = Jwts.builder().header().type("JWT").keyId(KID).and();
        if (email != null) {
            claims.claim("email", email.address()).claim("email_verified", email.verified());
        }
        if (org != null) {
            claims.claim("org_id", org.id()).claim("org_role", org.role()).claim("org_permissions", org.permissions());
        }
        String token = claims.issuer(issuer)
                .subject(userId)
                .claim("sid", sessionId)
                .issuedAt(Date.from(now))
                .notBefore(Date.from(now.minusSeconds(5)))
                .expiration(Date.from(expires))
                .signWith(pair.getPrivate(), Jwts.SIG.RS256)
                .compact();
        return new Issued(token, expires);
    }

    private static KeyPair read(Path file) throws IOException, GeneralSecurityException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String body = text.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
        KeyFactory factory = KeyFactory.getInstance("RSA");
        PrivateKey privateKey = factory.generatePrivate(
                new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
        RSAPrivateCrtKey crt = (RSAPrivateCrtKey) privateKey;
        PublicKey publicKey = factory.generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        return new KeyPair(publicKey, privateKey);
    }

    private static void restrict(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system: the key is a local development key anyway
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}
