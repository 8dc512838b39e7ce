package io.parley.chat.system;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Generated bad input, reproducible from its seed: WebSocket frames and REST requests that
 * are broken in the ways clients break them (not JSON, the wrong type of field, a field
 * missing or unknown, numbers out of range, strings too long, ids of nothing, deep
 * nesting), each built from a valid one by one or more mutations, so that most of them
 * get past the first check and meet the next.
 */
final class MalformedInput {

    private static final List<String> FRAME_TYPES = List.of("subscribe", "unsubscribe", "send", "typing", "read",
            "presence.watch", "auth.refresh", "ping");

    private final Random random;
    private final List<String> conversationIds;

    MalformedInput(long seed, List<String> conversationIds) {
        this.random = new Random(seed);
        this.conversationIds = List.copyOf(conversationIds);
    }

    record Request(String method, String path, String body) {
    }

    /** A WebSocket text frame. */
    String frame() {
        return switch (random.nextInt(10)) {
            case 0 -> garbage();
            case 1 -> "[" + Api.JSON.writeValueAsString(validFrame()) + "]";
            case 2 -> nested(random.nextInt(2_000) + 1);
            default -> Api.JSON.writeValueAsString(mutate(validFrame()));
        };
    }

    /** A REST call with a bad body, path or parameter. */
    Request request() {
        String conversation = conversationId();
        return switch (random.nextInt(8)) {
            case 0 -> new Request("POST", "/api/v1/conversations/" + conversation + "/messages", body(validSend()));
            case 1 -> new Request("POST", "/api/v1/conversations", body(validConversation()));
            case 2 -> new Request("PUT", "/api/v1/conversations/" + conversation + "/read",
                    body(new LinkedHashMap<>(Map.of("seq", 1))));
            case 3 -> new Request("PATCH", "/api/v1/conversations/" + conversation + "/messages/" + number(),
                    body(new LinkedHashMap<>(Map.of("body", "edited"))));
            case 4 -> new Request("GET", "/api/v1/conversations/" + conversation + "/messages?afterSeq=" + number()
                    + "&limit=" + number() + "&beforeSeq=" + number(), null);
            case 5 -> new Request("POST", "/api/v1/conversations/" + conversation + "/members",
                    body(new LinkedHashMap<>(Map.of("userIds", List.of("u-" + random.nextInt(100))))));
            case 6 -> new Request("GET", "/api/v1/users?q=" + urlish() + "&page=" + number() + "&size=" + number(), null);
            default -> new Request("POST", "/api/v1/conversations/" + urlish() + "/messages", garbage());
        };
    }

    private String body(Map<String, Object> valid) {
        return random.nextInt(6) == 0 ? garbage() : Api.JSON.writeValueAsString(mutate(valid));
    }

    private Map<String, Object> validFrame() {
        Map<String, Object> frame = new LinkedHashMap<>();
        String type = FRAME_TYPES.get(random.nextInt(FRAME_TYPES.size()));
        frame.put("type", type);
        frame.put("id", "fz-" + random.nextInt(1_000_000));
        frame.put("conversationId", conversationId());
        switch (type) {
            case "subscribe" -> frame.put("afterSeq", random.nextInt(100));
            case "send" -> {
                frame.put("clientMsgId", "fz-" + random.nextLong());
                frame.put("body", "fuzz");
            }
            case "read" -> frame.put("seq", random.nextInt(100));
            case "presence.watch" -> frame.put("userIds", List.of("u-1", "u-2"));
            case "auth.refresh" -> frame.put("token", "not.a.token");
            default -> {
                // no more fields
            }
        }
        return frame;
    }

    private Map<String, Object> validSend() {
        return new LinkedHashMap<>(Map.of("clientMsgId", "fz-" + random.nextLong(), "body", "fuzz"));
    }

    private Map<String, Object> validConversation() {
        return new LinkedHashMap<>(Map.of("type", "GROUP", "title", "fuzz", "memberIds", List.of()));
    }

    /** One to three of: a field dropped, retyped, renamed, or set to an extreme value. */
    private Map<String, Object> mutate(Map<String, Object> valid) {
        Map<String, Object> frame = new LinkedHashMap<>(valid);
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            List<String> keys = new ArrayList<>(frame.keySet());
            String key = keys.isEmpty() ? "type" : keys.get(random.nextInt(keys.size()));
            switch (random.nextInt(6)) {
                case 0 -> frame.remove(key);
                case 1 -> frame.put(key, oddValue());
                case 2 -> frame.put("unknown-" + random.nextInt(10), oddValue());
                case 3 -> frame.put(key, "x".repeat(random.nextInt(200_000)));
                case 4 -> frame.put(key, List.of(oddValue(), oddValue()));
                default -> frame.put(key, Map.of("nested", oddValue()));
            }
        }
        return frame;
    }

    private Object oddValue() {
        return switch (random.nextInt(9)) {
            case 0 -> null;
            case 1 -> Long.MAX_VALUE;
            case 2 -> -1 - random.nextInt(1000);
            case 3 -> 1.5e308;
            case 4 -> true;
            case 5 -> "";
            case 6 -> "\u0000\uD83D\uDE00\u202E" + random.nextInt();
            case 7 -> "../../" + random.nextInt();
            default -> conversationId();
        };
    }

    private String conversationId() {
        return random.nextInt(4) == 0 ? "c-" + random.nextInt(1000) : conversationIds.get(random.nextInt(conversationIds.size()));
    }

    private String number() {
        return switch (random.nextInt(5)) {
            case 0 -> "-1";
            case 1 -> "99999999999999999999";
            case 2 -> "abc";
            case 3 -> "";
            default -> String.valueOf(random.nextInt(1000));
        };
    }

    private String urlish() {
        return switch (random.nextInt(4)) {
            case 0 -> "%00";
            case 1 -> "%25%25";
            case 2 -> "a".repeat(random.nextInt(3000));
            default -> "%E2%80%AE" + random.nextInt();
        };
    }

    private String garbage() {
        return switch (random.nextInt(5)) {
            case 0 -> "";
            case 1 -> "{";
            case 2 -> "{\"type\":";
            case 3 -> "not json at all " + random.nextInt();
            default -> "{\"type\":\"send\",\"body\":\"" + "\\u".repeat(random.nextInt(50)) + "\"}";
        };
    }

    private static String nested(int depth) {
        return "{\"type\":".repeat(depth) + "1" + "}".repeat(depth);
    }
}
