package org.cbtm.notebook;

import org.cbtm.base.Progress;
import org.cbtm.base.ProgressListener;
import org.cbtm.present.Html;

/**
 * Draws a {@link Progress} bar in a notebook: one output, updated in place (a display id), as an HTML bar with a
 * plain-text fallback. Installed as a {@link ProgressListener.Provider}; applies only inside our kernel.
 */
public final class NotebookProgress implements ProgressListener {
    private String id;

    /** The service the base package finds: a notebook bar when a kernel is running, else none. */
    public static final class Provider implements ProgressListener.Provider {
        @Override
        public ProgressListener create() {
            return Kernel.active() ? new NotebookProgress() : null;
        }
    }

    @Override
    public void draw(Progress p, boolean last) {
        MimeBundle b = MimeBundle.of(p.line(), html(p));
        if (id == null) {
            id = Kernel.display(b);
        } else {
            Kernel.update(id, b);
        }
    }

    @Override
    public long minIntervalNanos() {
        return 250_000_000L;
    }

    static String html(Progress p) {
        double f = p.fraction();
        String pct = f >= 0 ? String.format("%.1f%%", f * 100) : "100%";
        String color = p.isClosed() ? "#4caf50" : "#2196f3";
        return "<div style=\"font-family:monospace;font-size:90%\">"
                + "<div style=\"display:inline-block;width:240px;height:12px;background:#e0e0e0;border-radius:3px;vertical-align:middle;margin-right:8px\">"
                + "<div style=\"width:" + (f >= 0 ? pct : "100%") + ";height:100%;background:" + color + ";border-radius:3px\"></div></div>"
                + Html.escape(p.line()) + "</div>";
    }
}
