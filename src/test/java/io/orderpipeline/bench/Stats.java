package io.orderpipeline.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Percentiles (nearest rank) and min/median/max over repetitions, rounded for the report. */
final class Stats {

    private Stats() {
    }

    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    static long[] sorted(Collection<Long> values) {
        long[] a = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return a;
    }

    /** min, median and max of the repetitions' figures. */
    static Map<String, Double> spread(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        v.sort(Double::compare);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("min", round(v.get(0)));
        m.put("median", round(v.size() % 2 == 1 ? v.get(v.size() / 2) : (v.get(v.size() / 2 - 1) + v.get(v.size() / 2)) / 2));
        m.put("max", round(v.get(v.size() - 1)));
        return m;
    }

    static double round(double d) {
        return Math.abs(d) >= 100 ? Math.round(d) : Math.round(d * 10) / 10.0;
    }
}
