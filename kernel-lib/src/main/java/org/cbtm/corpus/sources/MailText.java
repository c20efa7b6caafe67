package org.cbtm.corpus.sources;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a raw RFC 822 / MIME mail into plain text: headers removed, multipart bodies walked (for
 * {@code multipart/alternative} the plain-text part is preferred), base64 and quoted-printable decoded with the
 * part's charset, HTML reduced to text, attachments that are not text dropped. Enough for the SpamAssassin corpus;
 * not a general MIME library.
 */
public final class MailText {

    /** A parsed mail: its decoded subject, its content type and its plain-text body. */
    public record Mail(String subject, String contentType, String body) {
    }

    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?([^?]+)\\?([bBqQ])\\?([^?]*)\\?=");
    private static final int MAX_DEPTH = 8;

    private MailText() {
    }

    public static Mail parse(String raw) {
        raw = raw.replace("\r\n", "\n");
        Part p = split(raw);
        String subject = decodeHeader(p.headers.getOrDefault("subject", ""));
        String type = p.headers.getOrDefault("content-type", "text/plain");
        return new Mail(Texts.normalize(subject), mainType(type), Texts.normalize(text(p, 0)));
    }

    private record Part(Map<String, String> headers, String body) {
    }

    /** Splits headers (unfolded, names lower-cased) from the body. */
    private static Part split(String raw) {
        Map<String, String> h = new LinkedHashMap<>();
        int end = raw.indexOf("\n\n");
        String head = end < 0 ? raw : raw.substring(0, end);
        String body = end < 0 ? "" : raw.substring(end + 2);
        String name = null;
        StringBuilder value = new StringBuilder();
        for (String line : head.split("\n")) {
            if (!line.isEmpty() && (line.charAt(0) == ' ' || line.charAt(0) == '\t') && name != null) {
                value.append(' ').append(line.strip());
                continue;
            }
            if (name != null) {
                h.putIfAbsent(name, value.toString());
            }
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("From ")) {
                name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                value.setLength(0);
                value.append(line.substring(colon + 1).strip());
            } else {
                name = null;
            }
        }
        if (name != null) {
            h.putIfAbsent(name, value.toString());
        }
        return new Part(h, body);
    }

    private static String text(Part p, int depth) {
        String ct = p.headers.getOrDefault("content-type", "text/plain");
        String type = mainType(ct);
        if (depth > MAX_DEPTH) {
            return "";
        }
        if (type.startsWith("multipart/")) {
            String boundary = param(ct, "boundary");
            if (boundary == null) {
                return decodeBody(p, ct);
            }
            List<Part> parts = multipart(p.body, boundary);
            if (type.equals("multipart/alternative")) {
                for (Part q : parts) {
                    if (mainType(q.headers.getOrDefault("content-type", "text/plain")).equals("text/plain")) {
                        String t = text(q, depth + 1);
                        if (!t.isBlank()) {
                            return t;
                        }
                    }
                }
            }
            StringBuilder b = new StringBuilder();
            for (Part q : parts) {
                String t = text(q, depth + 1);
                if (!t.isBlank()) {
                    b.append(t.strip()).append("\n\n");
                    if (type.equals("multipart/alternative")) {
                        break;
                    }
                }
            }
            return b.toString();
        }
        if (type.equals("message/rfc822")) {
            return text(split(p.body), depth + 1);
        }
        if (type.equals("text/html")) {
            return Html.toText(decodeBody(p, ct));
        }
        if (type.startsWith("text/")) {
            String t = decodeBody(p, ct);
            return looksLikeHtml(t) ? Html.toText(t) : t;
        }
        return "";
    }

    private static boolean looksLikeHtml(String t) {
        String head = t.substring(0, Math.min(t.length(), 2000)).toLowerCase(Locale.ROOT);
        return head.contains("<html") || head.contains("<body") || head.contains("<table")
                || head.contains("<font") || head.contains("<p>") || head.contains("<br>");
    }

    private static List<Part> multipart(String body, String boundary) {
        List<Part> parts = new ArrayList<>();
        String delim = "--" + boundary;
        StringBuilder cur = null;
        for (String line : body.split("\n", -1)) {
            String t = line.stripTrailing();
            if (t.equals(delim + "--")) {
                break;
            }
            if (t.equals(delim)) {
                if (cur != null) {
                    parts.add(split(cur.toString()));
                }
                cur = new StringBuilder();
                continue;
            }
            if (cur != null) {
                cur.append(line).append('\n');
            }
        }
        if (cur != null) {
            parts.add(split(cur.toString()));
        }
        return parts;
    }

    private static String decodeBody(Part p, String ct) {
        String cte = p.headers.getOrDefault("content-transfer-encoding", "7bit").strip().toLowerCase(Locale.ROOT);
        String charset = param(ct, "charset");
        return switch (cte) {
            case "base64" -> Texts.decode(base64(p.body), charset);
            case "quoted-printable" -> Texts.decode(quotedPrintable(p.body, false), charset);
            default -> p.body;
        };
    }

    static byte[] base64(String s) {
        String clean = s.replaceAll("[^A-Za-z0-9+/=]", "");
        int eq = clean.indexOf('=');
        if (eq >= 0) {
            clean = clean.substring(0, eq);
        }
        if (clean.length() % 4 == 1) {
            clean = clean.substring(0, clean.length() - 1); // a stray character cannot be decoded
        }
        try {
            return Base64.getDecoder().decode(clean + "==".substring(0, (4 - clean.length() % 4) % 4));
        } catch (IllegalArgumentException e) {
            return new byte[0];
        }
    }

    /** Quoted-printable to bytes; characters above U+00FF (already-decoded text) are kept as UTF-8. */
    static byte[] quotedPrintable(String s, boolean header) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '=' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                i++; // soft line break
            } else if (c == '=' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else if (header && c == '_') {
                out.write(' ');
            } else if (c < 256) {
                out.write(c);
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    /** Decodes RFC 2047 encoded words ({@code =?utf-8?B?...?=}) in a header value. */
    static String decodeHeader(String v) {
        Matcher m = ENCODED_WORD.matcher(v.replaceAll("\\?=\\s+=\\?", "?==?"));
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            byte[] bytes = m.group(2).equalsIgnoreCase("b") ? base64(m.group(3)) : quotedPrintable(m.group(3), true);
            m.appendReplacement(b, Matcher.quoteReplacement(Texts.decode(bytes, m.group(1))));
        }
        m.appendTail(b);
        return b.toString();
    }

    static String mainType(String contentType) {
        String t = contentType.strip();
        int end = 0;
        while (end < t.length() && t.charAt(end) != ';' && !Character.isWhitespace(t.charAt(end))) {
            end++;
        }
        return t.substring(0, end).toLowerCase(Locale.ROOT);
    }

    static String param(String contentType, String name) {
        Matcher m = Pattern.compile("(?i)(?:^|;)\\s*" + name + "\\s*=\\s*(\"([^\"]*)\"|[^;\\s]+)").matcher(contentType);
        if (!m.find()) {
            return null;
        }
        return m.group(2) != null ? m.group(2) : m.group(1);
    }
}
