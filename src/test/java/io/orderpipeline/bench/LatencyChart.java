package io.orderpipeline.bench;

import java.awt.BasicStroke;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The end-to-end run as a picture: latency per second of commit time above, backlog below. */
final class LatencyChart {

    record Second(double t, double p50, double p99) {
    }

    record Backlog(double t, long outbox, long transformerLag, long sinkLag) {
    }

    private LatencyChart() {
    }

    static void draw(Path file, String title, List<Second> latency, List<Backlog> backlog) throws IOException {
        XYSeries p50 = new XYSeries("row p50 (ms)");
        XYSeries p99 = new XYSeries("row p99 (ms)");
        for (Second s : latency) {
            p50.add(s.t(), s.p50());
            p99.add(s.t(), s.p99());
        }
        XYSeriesCollection top = new XYSeriesCollection();
        top.addSeries(p50);
        top.addSeries(p99);

        XYSeries outbox = new XYSeries("outbox pending");
        XYSeries transformer = new XYSeries("order.events lag");
        XYSeries sink = new XYSeries("analytics.orders lag");
        for (Backlog b : backlog) {
            outbox.add(b.t(), b.outbox());
            transformer.add(b.t(), b.transformerLag());
            sink.add(b.t(), b.sinkLag());
        }
        XYSeriesCollection bottom = new XYSeriesCollection();
        bottom.addSeries(outbox);
        bottom.addSeries(transformer);
        bottom.addSeries(sink);

        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("seconds since the load started"));
        plot.add(new XYPlot(top, null, new NumberAxis("commit → orders_analytics (ms)"), lines(2)), 3);
        plot.add(new XYPlot(bottom, null, new NumberAxis("backlog (events)"), lines(3)), 2);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1100, 650);
    }

    private static XYLineAndShapeRenderer lines(int series) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < series; i++) {
            r.setSeriesStroke(i, new BasicStroke(2f));
        }
        return r;
    }
}
