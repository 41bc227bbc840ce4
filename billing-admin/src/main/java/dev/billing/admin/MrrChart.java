package dev.billing.admin;

import java.time.YearMonth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One currency's MRR by month as an SVG bar chart, laid out here so the page needs no script; the same figures
 * follow as a table for screen readers and for reading exact amounts.
 */
final class MrrChart {
    static final int WIDTH = 720;
    static final int HEIGHT = 220;
    private static final int LEFT = 8;
    private static final int TOP = 12;
    private static final int BOTTOM = 28;

    /** One month's figure. */
    record Point(YearMonth month, long minor) {}

    private MrrChart() {}

    static Map<String, Object> of(String currency, List<Point> points) {
        long max = points.stream().mapToLong(Point::minor).max().orElse(0);
        int plot = HEIGHT - TOP - BOTTOM;
        int slot = points.isEmpty() ? 0 : (WIDTH - 2 * LEFT) / points.size();
        List<Map<String, Object>> bars = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            int h = max == 0 ? 0 : (int) Math.round((double) p.minor() / max * plot);
            Map<String, Object> bar = new LinkedHashMap<>();
            bar.put("x", LEFT + i * slot + slot / 8);
            bar.put("y", TOP + plot - h);
            bar.put("width", Math.max(1, slot * 3 / 4));
            bar.put("height", h);
            bar.put("labelX", LEFT + i * slot + slot / 2);
            bar.put("labelY", HEIGHT - 10);
            bar.put("month", p.month().toString());
            bar.put(
                    "short",
                    p.month().getMonth().getDisplayName(java.time.format.TextStyle.SHORT, java.util.Locale.ENGLISH));
            bar.put("amount", Format.money(p.minor(), currency));
            bars.add(bar);
        }
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("currency", currency.toUpperCase(java.util.Locale.ROOT));
        chart.put("id", currency.toLowerCase(java.util.Locale.ROOT));
        chart.put("width", WIDTH);
        chart.put("height", HEIGHT);
        chart.put("bars", bars);
        chart.put(
                "label",
                "MRR in " + currency.toUpperCase(java.util.Locale.ROOT) + " at the end of each of the last "
                        + points.size() + " months");
        return chart;
    }
}
