package io.switchboard.simulator.pbx;

import java.time.Duration;
import java.util.Set;

/**
 * Which sound files "exist" on the simulated box and how long they play. It decides the replies Asterisk
 * gives: a missing file makes STREAM FILE answer {@code 200 result=-1 endpos=0} and GET DATA
 * {@code 200 result=-1} at once (the captured system had no sounds installed, hence the trace); a present
 * file plays for its duration and can be interrupted by the caller's DTMF.
 */
public interface SoundLibrary {

    /** Samples per second of the (slin) stream: endpos is counted in these. */
    int SAMPLE_RATE = 8000;

    boolean exists(String file);

    Duration duration(String file);

    /** Every prompt exists and plays for {@code length} (SAY DIGITS plays {@code length / 2} per digit). */
    static SoundLibrary all(Duration length) {
        return new SoundLibrary() {
            @Override
            public boolean exists(String file) {
                return true;
            }

            @Override
            public Duration duration(String file) {
                return length;
            }
        };
    }

    /** The default: every prompt exists and lasts one second. */
    static SoundLibrary standard() {
        return all(Duration.ofSeconds(1));
    }

    /** No sounds installed, like the captured Asterisk 22.10.1. */
    static SoundLibrary none() {
        return allExcept(Duration.ZERO, null);
    }

    /** Every prompt exists except the named ones (null: none exist). */
    static SoundLibrary allExcept(Duration length, Set<String> missing) {
        return new SoundLibrary() {
            @Override
            public boolean exists(String file) {
                return missing != null && !missing.contains(file);
            }

            @Override
            public Duration duration(String file) {
                return length;
            }
        };
    }
}
