package org.cbtm.corpus.sources;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A small HTML-to-text reducer for mail bodies: drops scripts, styles, comments and tags, keeps line structure. */
public final class Html {

    private static final Pattern DROP = Pattern.compile(
            "(?is)<!--.*?-->|<(script|style|head|title)\\b[^>]*>.*?</\\1\\s*>|<!doctype[^>]*>");
    private static final Pattern BREAK = Pattern.compile(
            "(?i)<\\s*(br|/?p|/?div|/?tr|/?table|/?h[1-6]|li|/li|/?ul|/?ol|/?blockquote|hr|/?center)\\b[^>]*>");
    private static final Pattern CELL = Pattern.compile("(?i)<\\s*/?t[dh]\\b[^>]*>");
    private static final Pattern TAG = Pattern.compile("(?s)<[a-zA-Z/!][^>]*>");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,7});?");
    private static final Map<String, String> NAMED = Map.ofEntries(
            Map.entry("nbsp", " "), Map.entry("amp", "&"), Map.entry("lt", "<"), Map.entry("gt", ">"),
            Map.entry("quot", "\""), Map.entry("apos", "'"), Map.entry("copy", "©"), Map.entry("reg", "®"),
            Map.entry("trade", "™"), Map.entry("mdash", "—"), Map.entry("ndash", "–"), Map.entry("hellip", "…"),
            Map.entry("lsquo", "‘"), Map.entry("rsquo", "’"), Map.entry("ldquo", "“"), Map.entry("rdquo", "”"),
            Map.entry("bull", "•"), Map.entry("middot", "·"), Map.entry("euro", "€"), Map.entry("pound", "£"),
            Map.entry("cent", "¢"), Map.entry("yen", "¥"), Map.entry("deg", "°"), Map.entry("eacute", "é"),
            Map.entry("egrave", "è"), Map.entry("aacute", "á"), Map.entry("agrave", "à"), Map.entry("ouml", "ö"),
            Map.entry("uuml", "ü"), Map.entry("auml", "ä"), Map.entry("szlig", "ß"), Map.entry("ccedil", "ç"),
            Map.entry("ntilde", "ñ"), Map.entry("times", "×"), Map.entry("laquo", "«"), Map.entry("raquo", "»"),
            Map.entry("iexcl", "¡"), Map.entry("iquest", "¿"), Map.entry("sect", "§"), Map.entry("para", "¶"));

    private Html() {
    }

    public static String toText(String html) {
        String s = DROP.matcher(html).replaceAll(" ");
        s = BREAK.matcher(s).replaceAll("\n");
        s = CELL.matcher(s).replaceAll(" ");
        s = TAG.matcher(s).replaceAll("");
        s = s.replaceAll("[ \\t\\x0B\\f]+", " ");
        s = decodeEntities(s);
        StringBuilder b = new StringBuilder(s.length());
        for (String line : s.split("\n")) {
            b.append(line.strip()).append('\n');
        }
        return Texts.normalize(b.toString());
    }

    public static String decodeEntities(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = ENTITY.matcher(s);
        StringBuilder b = new StringBuilder(s.length());
        while (m.find()) {
            String e = m.group(1);
            String rep;
            if (e.startsWith("#")) {
                int cp;
                try {
                    cp = e.startsWith("#x") || e.startsWith("#X") ? Integer.parseInt(e.substring(2), 16)
                            : Integer.parseInt(e.substring(1));
                } catch (NumberFormatException ex) {
                    cp = -1;
                }
                rep = Character.isValidCodePoint(cp) && !(cp >= 0xD800 && cp <= 0xDFFF) && cp != 0
                        ? Character.toString(cp) : m.group();
            } else {
                String named = NAMED.get(e);
                rep = named != null ? named : NAMED.getOrDefault(e.toLowerCase(java.util.Locale.ROOT), m.group());
            }
            m.appendReplacement(b, Matcher.quoteReplacement(rep));
        }
        m.appendTail(b);
        return b.toString();
    }
}
