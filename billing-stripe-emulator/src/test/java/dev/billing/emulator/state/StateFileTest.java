package dev.billing.emulator.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The state file's encoding keeps shared maps and lists shared, and numbers as the emulator holds them. */
class StateFileTest {

    @Test
    @SuppressWarnings("unchecked")
    void sharedContainersComeBackSharedAndEverythingElseEqual() {
        Map<String, Object> item = new LinkedHashMap<>(Map.of("id", "si_1", "current_period_end", 100L));
        List<Object> data = new ArrayList<>(List.of(item));
        Map<String, Object> sub = new LinkedHashMap<>();
        sub.put("id", "sub_1");
        sub.put("items", new LinkedHashMap<>(Map.of("data", data)));
        sub.put("percent", 12.5);
        sub.put("nothing", null);
        sub.put("self_list", data); // the same list twice
        Map<String, Object> roots = new LinkedHashMap<>();
        roots.put("objects", new ArrayList<>(List.of(sub, item)));
        roots.put("event_log", new ArrayList<>());

        String text = StateFile.encode(roots);
        Map<String, Object> back = StateFile.decode(text);

        assertThat(StateFile.encode(back)).isEqualTo(text);
        List<Map<String, Object>> objects = (List<Map<String, Object>>) back.get("objects");
        Map<String, Object> sub2 = objects.get(0);
        Map<String, Object> item2 = objects.get(1);
        List<Object> data2 = (List<Object>) ((Map<String, Object>) sub2.get("items")).get("data");
        assertThat(data2.get(0)).isSameAs(item2);
        assertThat(sub2.get("self_list")).isSameAs(data2);
        assertThat(item2.get("current_period_end")).isEqualTo(100L);
        assertThat(sub2.get("percent")).isEqualTo(12.5);
        assertThat(sub2).containsEntry("nothing", null);
        item2.put("current_period_end", 200L);
        assertThat(((Map<String, Object>) data2.get(0)).get("current_period_end"))
                .isEqualTo(200L);
    }

    @Test
    void aCycleIsKept() {
        Map<String, Object> loop = new LinkedHashMap<>();
        loop.put("me", loop);
        Map<String, Object> back = StateFile.decode(StateFile.encode(Map.of("loop", loop)));
        Object restored = back.get("loop");
        assertThat(((Map<?, ?>) restored).get("me")).isSameAs(restored);
    }

    @Test
    void valuesJsonCannotKeepAreRefusedRatherThanSavedWrongly() {
        assertThatThrownBy(() -> StateFile.encode(Map.of("when", java.time.Instant.EPOCH)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("java.time.Instant");
    }

    @Test
    void anotherFormatOrVersionIsRefused() {
        assertThatThrownBy(() -> StateFile.decode("{\"format\":\"x\"}")).hasMessageContaining("not an emulator state");
        assertThatThrownBy(() -> StateFile.decode("{\"format\":\"" + StateFile.FORMAT + "\",\"version\":99}"))
                .hasMessageContaining("unsupported emulator state version 99");
    }
}
