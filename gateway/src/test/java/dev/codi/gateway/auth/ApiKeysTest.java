package dev.codi.gateway.auth;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeysTest {
    @Test
    void keysAreKnownByTheirHashAndOwnedByAnIdThatIsNotTheKey() {
        String key = ApiKeys.newKey(new SecureRandom());
        ApiKeys byKey = ApiKeys.of(List.of(key), List.of());
        ApiKeys byHash = ApiKeys.of(List.of(), List.of(ApiKeys.sha256Hex(key)));

        assertThat(key).startsWith(ApiKeys.KEY_PREFIX).hasSizeGreaterThan(40);
        assertThat(byKey.authenticate(key)).hasValue(ApiKeys.ownerOfKey(key));
        assertThat(byHash.authenticate(key)).hasValue(ApiKeys.ownerOfKey(key));
        assertThat(byKey.authenticate(key + "x")).isEmpty();
        assertThat(ApiKeys.ownerOfKey(key)).startsWith("key_").doesNotContain(key.substring(ApiKeys.KEY_PREFIX.length()));
    }

    @Test
    void noKeyAtAllIsAConfigurationErrorThatSaysWhatToSet() {
        assertThatThrownBy(() -> ApiKeys.of(List.of(), List.of())).hasMessageContaining(ApiKeys.KEYS_VARIABLE);
        assertThatThrownBy(() -> ApiKeys.of(List.of(), List.of("abc"))).hasMessageContaining(ApiKeys.KEY_HASHES_VARIABLE);
    }
}
