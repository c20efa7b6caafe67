package org.cbtm.present;

/** Escaping for text that goes into HTML and into inline scripts. */
public final class Html {

    private Html() {
    }

    /** Escapes text for an HTML element or attribute value. */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Makes script text safe to inline in a {@code <script>} element: a literal "</script" would end it early. */
    public static String inlineScript(String js) {
        return js.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT");
    }
}
