package dev.codi.protocol.stage;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StageSettingsTest {

    @Test
    void theModelStagesTakeTheirWorkFromConsumerGroupsUnlessToldShareGroups() {
        assertThat(StageSettings.from(new JsonObject()).workDelivery()).isEqualTo(WorkDelivery.GROUP);
        assertThat(StageSettings.from(new JsonObject().put(StageSettings.WORK_DELIVERY, "share")).workDelivery())
                .isEqualTo(WorkDelivery.SHARE);
    }

    @Test
    void anUnknownDeliveryModeOrADeliveryLimitPastTheBrokersIsRefusedByName() {
        assertThatThrownBy(() -> StageSettings.from(new JsonObject().put(StageSettings.WORK_DELIVERY, "queue")))
                .hasMessageContaining("CODI_WORK_DELIVERY must be 'share' or 'group', got 'queue'");
        assertThatThrownBy(() -> StageSettings.from(new JsonObject().put(StageSettings.MAX_DELIVERY_ATTEMPTS, 10)
                .put(StageSettings.WORK_DELIVERY, "share")))
                .hasMessageContaining("CODI_MAX_DELIVERY_ATTEMPTS must be at most 9");
        assertThat(StageSettings.from(new JsonObject().put(StageSettings.MAX_DELIVERY_ATTEMPTS, 10)).maxDeliveryAttempts()).isEqualTo(10);
    }
}
