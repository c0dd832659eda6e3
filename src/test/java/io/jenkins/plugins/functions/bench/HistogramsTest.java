package io.jenkins.plugins.functions.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HistogramsTest {

    private static final String BEFORE = """
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:         10000         800000  [B (java.base@17.0.15)
               2:          5000         120000  java.lang.String (java.base@17.0.15)
               3:            10            480  io.example.Run
            Total         15010         920480
            """;
    private static final String AFTER = """
             num     #instances         #bytes  class name (module)
            -------------------------------------------------------
               1:         11000         900000  [B (java.base@17.0.15)
               2:          5100         122400  java.lang.String (java.base@17.0.15)
               3:           510          24480  io.example.Run
               4:             1             16  io.example.New
            Total         16611        1046896
            """;

    @Test
    void parsesClassesAndTotal() {
        Map<String, long[]> h = Histograms.parse(BEFORE);
        assertThat(h.get("[B")).containsExactly(10000, 800000);
        assertThat(h.get("io.example.Run")).containsExactly(10, 480);
        assertThat(h.get(Histograms.TOTAL)).containsExactly(15010, 920480);
        assertThat(Histograms.parse("").get(Histograms.TOTAL)).containsExactly(0, 0);
    }

    @Test
    void growthGroupedByOwner() {
        Map<String, Long> groups = Histograms.growthBy(Histograms.parse(BEFORE), Histograms.parse(AFTER),
                List.of("io.example.", "okhttp3."));
        assertThat(groups).containsExactly(Map.entry("io.example.", 24016L), Map.entry("okhttp3.", 0L),
                Map.entry("JDK", 102400L), Map.entry("other", 0L));
    }

    @Test
    void topGrowthByBytes() {
        assertThat(Histograms.topGrowth(Histograms.parse(BEFORE), Histograms.parse(AFTER), 3))
                .hasSize(3)
                .satisfies(lines -> {
                    assertThat(lines.get(0)).contains("100,000 B").contains("1,000 x").endsWith("[B");
                    assertThat(lines.get(1)).contains("24,000 B").contains("500 x").endsWith("io.example.Run");
                    assertThat(lines.get(2)).contains("2,400 B").endsWith("java.lang.String");
                });
    }
}
