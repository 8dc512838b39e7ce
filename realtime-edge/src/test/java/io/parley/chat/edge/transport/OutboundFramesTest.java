package io.parley.chat.edge.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.parley.chat.contracts.frames.ErrorCode;
import io.parley.chat.contracts.frames.ServerFrames;
import tools.jackson.databind.json.JsonMapper;

class OutboundFramesTest {

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final OutboundFrames frames = new OutboundFrames(metrics);
    private final JsonMapper json = JsonMapper.builder().build();

    private double count(String type) {
        return metrics.get("chat.ws.frames").tag("direction", "out").tag("type", type).counter().count();
    }

    @Test
    void aFanOutsMessageFramesAreCountedAsMessagesWithoutBeingRead() {
        frames.countMessage();
        frames.countMessage();

        assertThat(count("message")).isEqualTo(2);
        assertThat(count("unknown")).isZero();
    }

    @Test
    void countsEachServerFrameUnderItsType() {
        frames.count(json.writeValueAsBytes(new ServerFrames.Message("c1", 1, "created", "m1", "u1", "cm1", "hi",
                Instant.now(), null)));
        frames.count(json.writeValueAsBytes(new ServerFrames.Activity("c1", 7)));
        frames.count(json.writeValueAsBytes(new ServerFrames.Read("c1", "u1", 7)));
        frames.count(json.writeValueAsBytes(new ServerFrames.Reconnect()));
        frames.count(json.writeValueAsBytes(new ServerFrames.Error("r1", ErrorCode.INVALID, "no")));
        frames.count(json.writeValueAsBytes(new ServerFrames.AuthOk("a1")));
        frames.count(json.writeValueAsBytes(new ServerFrames.Unsubscribed("u1", "c1")));

        assertThat(count("message")).isEqualTo(1);
        assertThat(count("activity")).isEqualTo(1);
        assertThat(count("read")).as("not confused with reconnect").isEqualTo(1);
        assertThat(count("reconnect")).isEqualTo(1);
        assertThat(count("error")).isEqualTo(1);
        assertThat(count("auth.ok")).isEqualTo(1);
        assertThat(count("unsubscribed")).as("not confused with subscribed").isEqualTo(1);
        assertThat(count("subscribed")).isZero();
        assertThat(count("unknown")).isZero();
    }

    @Test
    void countsWhatItCannotReadAsUnknown() {
        frames.count("{\"type\":\"teleport\"}".getBytes());
        frames.count("[]".getBytes());
        frames.count(new byte[0]);
        assertThat(count("unknown")).isEqualTo(3);
    }
}
