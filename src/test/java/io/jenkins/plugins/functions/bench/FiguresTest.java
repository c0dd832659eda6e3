package io.jenkins.plugins.functions.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.functions.bench.Figures.Summary;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FiguresTest {

    @Test
    void nearestRankPercentiles() {
        List<Integer> values = new ArrayList<>(IntStream.rangeClosed(1, 100).boxed().toList());
        java.util.Collections.shuffle(values, new java.util.Random(1));
        Summary s = Figures.summarize(values);
        assertThat(s.count()).isEqualTo(100);
        assertThat(s.p50()).isEqualTo(50);
        assertThat(s.p99()).isEqualTo(99);
        assertThat(s.max()).isEqualTo(100);
        assertThat(s.mean()).isEqualTo(50.5);
    }

    @Test
    void fewValues() {
        assertThat(Figures.summarize(List.of(7.0)).p99()).isEqualTo(7.0);
        Summary two = Figures.summarize(List.of(3.0, 1.0));
        assertThat(two.p50()).isEqualTo(1.0);
        assertThat(two.p99()).isEqualTo(3.0);
        assertThat(Figures.summarize(List.of()).count()).isZero();
        assertThat(Figures.summarize(List.of()).p50()).isNaN();
    }

    @Test
    void formatting() {
        assertThat(Figures.fmt(Double.NaN)).isEqualTo("-");
        assertThat(Figures.fmt(12.345)).isEqualTo("12.3");
        assertThat(Figures.fmt(1234.5)).isEqualTo("1235");
        assertThat(Figures.ratio(3, 2)).isEqualTo("1.50");
        assertThat(Figures.ratio(3, 0)).isEqualTo("-");
        assertThat(Figures.ratio(Double.NaN, 2)).isEqualTo("-");
    }

    @Test
    void peakOverlapCountsIntervalsOpenAtTheSameMoment() {
        assertThat(Figures.peakOverlap(List.of())).isZero();
        assertThat(Figures.peakOverlap(List.of(new long[] {0, 10}, new long[] {5, 15}, new long[] {12, 20})))
                .isEqualTo(2);
        assertThat(Figures.peakOverlap(List.of(new long[] {0, 10}, new long[] {1, 9}, new long[] {2, 8})))
                .isEqualTo(3);
        // one ends when the next starts: never two at once
        assertThat(Figures.peakOverlap(List.of(new long[] {0, 10}, new long[] {10, 20}))).isEqualTo(1);
    }
}
