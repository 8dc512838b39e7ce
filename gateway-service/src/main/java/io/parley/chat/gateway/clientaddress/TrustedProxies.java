package io.parley.chat.gateway.clientaddress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/** The configured proxies in front of the gateway, as CIDRs; no one is trusted when none are configured. */
final class TrustedProxies {

    /** An IPv4 or IPv6 literal: anything else is never resolved (no DNS lookups for header values). */
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private record Cidr(byte[] network, int prefix) {

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Cidr> cidrs;

    TrustedProxies(List<String> cidrs) {
        this.cidrs = cidrs.stream().map(String::strip).filter(c -> !c.isEmpty()).map(TrustedProxies::cidr).toList();
    }

    boolean trusts(String address) {
        if (cidrs.isEmpty()) {
            return false;
        }
        byte[] bytes = parse(address);
        if (bytes == null) {
            return false;
        }
        for (Cidr cidr : cidrs) {
            if (cidr.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    static boolean isIpLiteral(String value) {
        return parse(value) != null;
    }

    private static Cidr cidr(String value) {
        int slash = value.indexOf('/');
        byte[] network = parse(slash < 0 ? value : value.substring(0, slash));
        if (network == null) {
            throw new IllegalArgumentException("chat.gateway.trusted-proxies: " + value + " is not an address or CIDR");
        }
        int prefix = slash < 0 ? network.length * 8 : Integer.parseInt(value.substring(slash + 1));
        if (prefix < 0 || prefix > network.length * 8) {
            throw new IllegalArgumentException("chat.gateway.trusted-proxies: bad prefix length in " + value);
        }
        return new Cidr(network, prefix);
    }

    /** The bytes of an IP literal, or null; never a DNS lookup (the pattern admits literals only). */
    private static byte[] parse(String value) {
        if (value == null || value.length() > 45 || !IP_LITERAL.matcher(value).matches()) {
            return null;
        }
        try {
            return InetAddress.getByName(value).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
