package dev.codi.gateway.webhooks;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSignerTest {
    /** The test vector of the Standard Webhooks specification and its reference libraries. */
    @Test
    void matchesTheStandardWebhooksTestVector() {
        String signature = WebhookSigner.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330L, "{\"test\": 2432232314}");

        assertThat(signature).isEqualTo("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void signsWithEverySecretDuringARotation() {
        String header = WebhookSigner.signatureHeader(List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_c2VjcmV0"),
                "msg_1", 1, "{}");

        assertThat(header.split(" ")).hasSize(2).allSatisfy(part -> assertThat(part).startsWith("v1,"));
    }
}
