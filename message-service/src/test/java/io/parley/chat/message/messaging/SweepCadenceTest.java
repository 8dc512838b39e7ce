package io.parley.chat.message.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class SweepCadenceTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    // grace 5 s, rounds every 2 s: alert window 2 x 5 + 3 x 2 = 16 s; a full read every 30 s
    private final SweepCadence cadence = new SweepCadence(Duration.ofSeconds(30), Duration.ofSeconds(5),
            Duration.ofSeconds(2), clock::get);

    private void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    @Test
    void readsEveryRoundAfterStartupUntilTheAlertWindowHasPassed() {
        SweepCadence.Sweeps sweeps = cadence.sweeps(0);

        assertThat(sweeps.due()).isTrue();
        advance(Duration.ofSeconds(15));
        assertThat(sweeps.due()).isTrue();
        advance(Duration.ofSeconds(1));
        assertThat(sweeps.due()).as("16 s after startup, nothing failed").isFalse();
    }

    @Test
    void isAlertedFromStartupAndFromEachSuspicionForTheWindow() {
        assertThat(cadence.alerted()).as("at startup").isTrue();
        advance(Duration.ofSeconds(16));
        assertThat(cadence.alerted()).isFalse();
        cadence.suspect();
        advance(Duration.ofSeconds(15));
        assertThat(cadence.alerted()).as("15 s after a failure").isTrue();
        advance(Duration.ofSeconds(1));
        assertThat(cadence.alerted()).isFalse();
    }

    @Test
    void withNothingFailingReadsOncePerFullInterval() {
        SweepCadence.Sweeps sweeps = cadence.sweeps(0);
        advance(Duration.ofSeconds(20));
        int reads = 0;
        for (int round = 0; round < 60; round++) { // two minutes of rounds
            advance(Duration.ofSeconds(2));
            reads += sweeps.due() ? 1 : 0;
        }
        assertThat(reads).isEqualTo(4);
    }

    @Test
    void aFailureMakesEveryRoundReadAgainForTheAlertWindow() {
        SweepCadence.Sweeps sweeps = cadence.sweeps(0);
        advance(Duration.ofSeconds(31));
        assertThat(sweeps.due()).as("the full read 30 s in").isTrue();
        advance(Duration.ofSeconds(10));
        assertThat(sweeps.due()).as("10 s after it, nothing failed").isFalse();

        cadence.suspect();
        for (int round = 0; round < 8; round++) {
            assertThat(sweeps.due()).as("round %d after the failure", round).isTrue();
            advance(Duration.ofSeconds(2));
        }
        assertThat(sweeps.due()).as("16 s after the failure, before the next full read").isFalse();
    }

    @Test
    void twoSweepersWithOppositePhasesReadHalfAnIntervalApartEvenAfterAnAlert() {
        SweepCadence.Sweeps outbox = cadence.sweeps(0);
        SweepCadence.Sweeps holes = cadence.sweeps(0.5);
        assertThat(outbox.due()).as("startup alert").isTrue();
        assertThat(holes.due()).as("startup alert").isTrue();

        advance(Duration.ofSeconds(17)); // past the alert
        assertThat(holes.due()).as("17 s in: more than half an interval after its shifted start").isTrue();
        assertThat(outbox.due()).isFalse();
        advance(Duration.ofSeconds(15));
        assertThat(outbox.due()).as("32 s in").isTrue();
        assertThat(holes.due()).isFalse();
        advance(Duration.ofSeconds(15));
        assertThat(holes.due()).as("47 s in").isTrue();
        assertThat(outbox.due()).isFalse();
    }

    @Test
    void aPhaseOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> cadence.sweeps(1.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cadence.sweeps(-0.1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFailureWakesEverySweeperNotJustTheFirstToAsk() {
        SweepCadence.Sweeps outbox = cadence.sweeps(0);
        SweepCadence.Sweeps holes = cadence.sweeps(0);
        advance(Duration.ofSeconds(20));

        cadence.suspect();

        assertThat(outbox.due()).isTrue();
        assertThat(holes.due()).isTrue();
    }
}
