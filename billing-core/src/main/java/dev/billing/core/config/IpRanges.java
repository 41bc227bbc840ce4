package dev.billing.core.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A set of IP addresses and CIDR ranges (IPv4 and IPv6), matched against address literals. Parsed here, without
 * {@code java.net.InetAddress}, so that matching never resolves a name: an entry or a candidate that is not an
 * address literal is refused (entries) or matches nothing (candidates). An IPv4-mapped IPv6 address
 * ({@code ::ffff:192.0.2.1}) is the IPv4 address it maps.
 *
 * <p>Usage: {@code IpRanges proxies = IpRanges.parse(List.of("10.0.0.0/8", "2001:db8::/32")); proxies.contains(ip)}
 */
public final class IpRanges {
    private static final IpRanges NONE = new IpRanges(List.of(), List.of());

    private final List<Range> ranges;
    private final List<String> entries;

    private IpRanges(List<Range> ranges, List<String> entries) {
        this.ranges = List.copyOf(ranges);
        this.entries = List.copyOf(entries);
    }

    public static IpRanges none() {
        return NONE;
    }

    /**
     * Parses addresses ({@code 192.0.2.1}) and ranges ({@code 10.0.0.0/8}); blank entries are skipped.
     *
     * @throws IllegalArgumentException naming the first entry that is neither
     */
    public static IpRanges parse(List<String> entries) {
        List<Range> ranges = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (String raw : entries) {
            String entry = raw == null ? "" : raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            ranges.add(range(entry));
            kept.add(entry);
        }
        return new IpRanges(ranges, kept);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** The entries as given (blank ones left out). */
    public List<String> entries() {
        return entries;
    }

    /** Whether {@code address} is an address literal inside one of the ranges. */
    public boolean contains(String address) {
        if (ranges.isEmpty() || address == null) {
            return false;
        }
        Optional<byte[]> bytes = address(address.strip());
        if (bytes.isEmpty()) {
            return false;
        }
        for (Range range : ranges) {
            if (range.contains(bytes.get())) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code text} is an IPv4 or IPv6 address literal (no brackets, no port). */
    public static boolean isAddress(String text) {
        return text != null && address(text.strip()).isPresent();
    }

    @Override
    public String toString() {
        return entries.toString();
    }

    private static Range range(String entry) {
        int slash = entry.indexOf('/');
        String host = slash < 0 ? entry : entry.substring(0, slash);
        byte[] bytes = address(host)
                .orElseThrow(() -> new IllegalArgumentException("not an IP address or CIDR range: " + entry));
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String length = entry.substring(slash + 1);
            if (length.isEmpty() || length.length() > 3 || !length.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("not an IP address or CIDR range: " + entry);
            }
            prefix = Integer.parseInt(length);
            // A mapped IPv4 range written in IPv6 form counts its prefix over the IPv4 part.
            if (bytes.length == 4 && host.contains(":")) {
                prefix -= 96;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("CIDR prefix out of range: " + entry);
            }
        }
        return new Range(bytes, prefix);
    }

    private record Range(byte[] network, int prefix) {
        boolean contains(byte[] candidate) {
            if (candidate.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (candidate[full] & mask) == (network[full] & mask);
        }
    }

    /** The literal's bytes: 4 for IPv4 (and IPv4-mapped IPv6), 16 for IPv6. */
    static Optional<byte[]> address(String text) {
        if (text.isEmpty() || text.length() > 45) {
            return Optional.empty();
        }
        if (text.indexOf(':') < 0) {
            return ipv4(text);
        }
        return ipv6(text.toLowerCase(Locale.ROOT));
    }

    private static Optional<byte[]> ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return Optional.empty();
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.empty();
            }
            if (p.length() > 1 && p.charAt(0) == '0') {
                return Optional.empty(); // leading zeros read as octal by some parsers: refused, not guessed
            }
            int value = Integer.parseInt(p);
            if (value > 255) {
                return Optional.empty();
            }
            bytes[i] = (byte) value;
        }
        return Optional.of(bytes);
    }

    private static Optional<byte[]> ipv6(String text) {
        int percent = text.indexOf('%');
        if (percent >= 0) {
            text = text.substring(0, percent); // a zone id names an interface, not another address
        }
        byte[] tail4 = null;
        int lastColon = text.lastIndexOf(':');
        if (text.indexOf('.', lastColon) > 0) {
            Optional<byte[]> v4 = ipv4(text.substring(lastColon + 1));
            if (v4.isEmpty()) {
                return Optional.empty();
            }
            tail4 = v4.get();
            text = text.substring(0, lastColon + 1) + "0:0";
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return Optional.empty();
        }
        List<String> head;
        List<String> tail;
        if (gap >= 0) {
            head = groups(text.substring(0, gap));
            tail = groups(text.substring(gap + 2));
        } else {
            head = groups(text);
            tail = List.of();
        }
        if (head == null || tail == null) {
            return Optional.empty();
        }
        int count = head.size() + tail.size();
        if ((gap < 0 && count != 8) || (gap >= 0 && count > 7)) {
            return Optional.empty();
        }
        byte[] bytes = new byte[16];
        int i = 0;
        for (String g : head) {
            i = put(bytes, i, g);
        }
        i = 16 - tail.size() * 2;
        for (String g : tail) {
            i = put(bytes, i, g);
        }
        if (i < 0) {
            return Optional.empty();
        }
        if (tail4 != null) {
            System.arraycopy(tail4, 0, bytes, 12, 4);
        }
        if (isMappedIpv4(bytes)) {
            return Optional.of(Arrays.copyOfRange(bytes, 12, 16));
        }
        return Optional.of(bytes);
    }

    /** The groups of a run of {@code h:h:h} (empty text: none); null when one is not 1-4 hex digits. */
    private static List<String> groups(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        String[] parts = text.split(":", -1);
        for (String p : parts) {
            if (p.isEmpty()
                    || p.length() > 4
                    || !p.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return null;
            }
        }
        return List.of(parts);
    }

    private static int put(byte[] bytes, int at, String group) {
        int value = Integer.parseInt(group, 16);
        bytes[at] = (byte) (value >> 8);
        bytes[at + 1] = (byte) value;
        return at + 2;
    }

    private static boolean isMappedIpv4(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }
}
