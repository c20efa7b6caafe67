package org.cbtm.notebook;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;

import org.cbtm.base.HasProvenance;
import org.cbtm.base.Profile;
import org.cbtm.base.ProjectPaths;
import org.cbtm.base.Provenance;

import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Static helpers imported into every notebook ({@code import static org.cbtm.notebook.Notebook.*}). They return
 * nothing, so a helper as a cell's last statement does not echo a display id. Outside a kernel they print text.
 */
public final class Notebook {

    private Notebook() {
    }

    /** Shows any value: tables and figures richly, anything else as the kernel would. */
    public static void show(Object value) {
        if (Kernel.active()) {
            Kernel.display(value);
        } else {
            System.out.println(plainOf(value));
        }
    }

    /** Shows a table with at most {@code maxRows} rows (the default is 40). */
    public static void show(Table table, int maxRows) {
        MimeBundle b = new TableRenderer(maxRows, Displays.tables().maxCellChars()).render(table);
        show(b);
    }

    /** Shows Markdown text. */
    public static void markdown(String text) {
        show(markdownBundle(text));
    }

    private static MimeBundle markdownBundle(String text) {
        var m = new LinkedHashMap<String, String>();
        m.put(MimeBundle.TEXT, text);
        m.put("text/markdown", text);
        return new MimeBundle(m);
    }

    /** Shows an HTML fragment (with a plain-text fallback that strips the tags). */
    public static void html(String html) {
        show(MimeBundle.of(html.replaceAll("<[^>]*>", ""), html));
    }

    /** Sends the plotly.js bundle again with the next figure: for a page that lost its first figure's output. */
    public static void reloadPlotly() {
        Displays.figures().reloadBundle();
    }

    /**
     * Shows where {@code x} came from: its {@link Provenance#table()} (kind, config, input fingerprints, seed, library
     * version, time) when it records one, as fitted clusterings ({@code ClusterModel}), trained experts
     * ({@code KneserNeyLM}, {@code GptLM}) and ensembles ({@code SparseEnsemble}) do, or a {@link Provenance} itself;
     * otherwise a sentence that says so.
     */
    public static void provenance(Object x) {
        show(provenanceView(x));
    }

    /** What {@link #provenance(Object)} shows: a table, or a message as Markdown. */
    static Object provenanceView(Object x) {
        Provenance p = x instanceof Provenance q ? q : x instanceof HasProvenance h ? h.provenance() : null;
        if (p != null) {
            return p.table();
        }
        String text;
        if (x == null) {
            text = "`provenance(null)`: there is nothing to show.";
        } else if (x instanceof HasProvenance) {
            text = "This `" + x.getClass().getSimpleName() + "` has no provenance recorded.";
        } else {
            text = "A `" + x.getClass().getSimpleName() + "` records no provenance. Fitted clusterings (`ClusterModel`),"
                    + " trained experts (`KneserNeyLM`, `GptLM`, e.g. `experts.load(k)`) and ensembles"
                    + " (`SparseEnsemble`) do.";
        }
        return markdownBundle(text);
    }

    /** The profile of this run (QUICK unless CBTM_PROFILE=full). */
    public static Profile profile() {
        return Profile.current();
    }

    /** A table of what this kernel runs on: JDK, OS, CPU, memory, DJL engine and device, profile, folders. */
    public static Table environment() {
        Map<String, String> facts = new LinkedHashMap<>();
        Runtime rt = Runtime.getRuntime();
        facts.put("Java", System.getProperty("java.vm.vendor") + " " + Runtime.version());
        facts.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " (" + System.getProperty("os.arch") + ")");
        facts.put("CPU cores", Integer.toString(rt.availableProcessors()));
        facts.put("Max heap", String.format("%.1f GiB", rt.maxMemory() / (1024.0 * 1024 * 1024)));
        long physical = physicalMemory();
        if (physical > 0) {
            facts.put("Physical memory", String.format("%.1f GiB", physical / (1024.0 * 1024 * 1024)));
        }
        facts.putAll(DeviceInfo.describe());
        facts.put("Profile", Profile.current().name().toLowerCase());
        facts.put("Project", ProjectPaths.root().toString());
        facts.put("Figures go to", ProjectPaths.figures().toString());
        return Table.create("Environment",
                StringColumn.create("what", facts.keySet().toArray(String[]::new)),
                StringColumn.create("value", facts.values().toArray(String[]::new)));
    }

    private static long physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return -1;
    }

    static String plainOf(Object value) {
        return value instanceof tech.tablesaw.plotly.components.Figure f ? FigureRenderer.describe(f)
                : Displays.bundle(value).plain();
    }
}
