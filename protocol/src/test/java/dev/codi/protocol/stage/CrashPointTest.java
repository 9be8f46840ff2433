package dev.codi.protocol.stage;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CrashPointTest {

    @Test
    void offUnlessConfigured() {
        assertThat(CrashPoint.fromConfig(Map.of())).isNull();
        assertThat(CrashPoint.fromConfig(Map.of(CrashPoint.VARIABLE, " "))).isNull();
    }

    @Test
    void aMalformedSettingIsRefusedAtStart() {
        assertThatThrownBy(() -> CrashPoint.fromConfig(Map.of(CrashPoint.VARIABLE, "before-commit")))
                .hasMessageContaining("POINT:MARKER");
        assertThatThrownBy(() -> CrashPoint.fromConfig(Map.of(CrashPoint.VARIABLE, "nowhere:x")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
