package org.cbtm.corpus.sources;

import org.cbtm.corpus.Document;
import org.cbtm.corpus.Samples;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SourceConvertersTest {

    private static Map<String, Document> byId(List<Document> docs) {
        return docs.stream().collect(Collectors.toMap(Document::id, Function.identity()));
    }

    @Test
    void brownStripsTagsAndRestoresSpacing() {
        Map<String, Document> d = byId(BrownCorpus.read(Samples.of("brown")));
        assertEquals(2, d.size());
        Document news = d.get("brown:ca01");
        assertEquals("news", news.label());
        assertEquals("humor", d.get("brown:cr01").label());
        assertTrue(news.text().startsWith("The Fulton County Grand Jury said Friday an investigation of Atlanta's recent "
                + "primary election produced \"no evidence\" that any irregularities took place."), news.text());
        assertFalse(news.text().contains("/at") || news.text().contains("``") || news.text().contains(" ,"));
    }

    @Test
    void spamAssassinRemovesHeadersAndDecodesMimeAndHtml() {
        List<Document> docs = SpamAssassin.read(Samples.of("spamassassin"));
        assertEquals(5, docs.size());
        assertEquals(3, docs.stream().filter(x -> x.label().equals("spam")).count());
        for (Document x : docs) {
            assertFalse(x.text().isBlank(), x.id());
            assertFalse(x.text().contains("Received:") || x.text().contains("Return-Path:"), x.id());
            assertFalse(x.text().contains("=3D") || x.text().contains("=20\n"), "quoted-printable decoded: " + x.id());
            assertFalse(x.text().toLowerCase().contains("<td") || x.text().toLowerCase().contains("<html")
                    || x.text().contains("&nbsp;"), "HTML reduced to text: " + x.id());
        }
        Document html = byId(docs).get("spamassassin:spam-1/00001.7848dde101aa985090474a91ec93fcf0");
        assertEquals("Life Insurance - Why Pay More?", html.meta().get("subject"));
        assertTrue(html.text().startsWith("Save up to 70% on Life Insurance."), html.text());
        Document b64 = byId(docs).get("spamassassin:spam-2/00538.46858b6122a85685022250db2f25b32a");
        assertTrue(b64.text().contains("From the privacy of your home\nAll your perscription needs"), b64.text());
    }

    @Test
    void mailPartsAndHeaders() {
        String raw = "Subject: =?utf-8?B?w6ljaGVj?= and =?iso-8859-1?Q?caf=E9_au_lait?=\n"
                + "Content-Type: multipart/alternative; boundary=\"XX\"\n\n"
                + "preamble\n--XX\nContent-Type: text/html\n\n<p>html &amp; version</p>\n"
                + "--XX\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n"
                + "plain =C3=A9t=C3=A9 vers=\nion\n--XX--\nepilogue\n";
        MailText.Mail m = MailText.parse(raw);
        assertEquals("échec and café au lait", m.subject());
        assertEquals("plain été version", m.body());
        assertEquals("multipart/alternative", m.contentType());
        assertEquals("a & b\nc", Html.toText("<html><head><style>x{}</style></head><body>a &amp; b<br>c<!-- no --></body>"));
    }

    @Test
    void bibleChaptersWithBookAndTestament() {
        List<Document> docs = KingJamesBible.read(Samples.of("bible").resolve("kjv.txt"));
        assertEquals(List.of("bible:genesis:1", "bible:psalms:23", "bible:john:3", "bible:revelation:22"),
                docs.stream().map(Document::id).toList());
        Document gen = docs.getFirst();
        assertEquals("Genesis", gen.label());
        assertEquals("old", gen.meta().get("testament"));
        assertEquals(5, gen.meta().get("verses"));
        assertTrue(gen.text().startsWith("In the beginning God created the heaven and the earth.\nAnd the earth"));
        assertEquals("new", docs.get(2).meta().get("testament"));
        assertEquals("The grace of our Lord Jesus Christ be with you all. Amen.", docs.get(3).text());
    }

    @Test
    void fortunesOnePerEntryWithTopicAndNoOverstrike() {
        List<Document> docs = Fortunes.read(Samples.of("fortunes"));
        Map<String, Long> perTopic = docs.stream().collect(Collectors.groupingBy(Document::label, Collectors.counting()));
        assertEquals(Map.of("art", 3L, "computers", 4L, "science", 6L), perTopic);
        assertEquals("1 + 1 = 3, for large values of 1.", byId(docs).get("fortunes:science:0").text());
        assertTrue(docs.stream().noneMatch(x -> x.text().indexOf('\b') >= 0));
        assertTrue(byId(docs).get("fortunes:art:2").text().contains("toothpaste"));
    }

    @Test
    void dictdEntriesWithSubjectsAliasesAndUniqueIds() {
        Map<String, Document> foldoc = byId(DictdDictionary.readFoldoc(Samples.of("foldoc")));
        assertEquals("language", foldoc.get("foldoc:actor").label(), foldoc.keySet().toString());
        assertEquals("programming", foldoc.get("foldoc:actor~2").label(), "a second 'actor' entry gets its own id");
        assertEquals("character", foldoc.get("foldoc:\"").label());
        assertEquals("double quote", foldoc.get("foldoc:\"").meta().get("aliases"));
        assertTrue(foldoc.values().stream().noneMatch(x -> x.id().contains("00-database")));
        assertTrue(foldoc.get("foldoc:brittle").text().contains("\n<jargon> Said of software"), "dedented, braces gone");
        Map<String, Document> jargon = byId(DictdDictionary.readJargon(Samples.of("jargon")));
        assertEquals("noun", jargon.get("jargon:benchmark").label());
        assertEquals("other", jargon.get("jargon:-oid").label());
        assertTrue(jargon.get("jargon:/dev/null").text().startsWith("/dev/null\n/dev·nuhl/, n.\n\n[from the Unix null device"),
                jargon.get("jargon:/dev/null").text());
        assertTrue(jargon.get("jargon:benchmark").text().contains("See also machoflops, MIPS"), jargon.get("jargon:benchmark").text());
    }

    @Test
    void wordnetGlossesWithLexicographerClasses() {
        List<Document> docs = WordNetGlosses.read(Samples.of("wordnet"));
        assertEquals(15, docs.size());
        Document entity = byId(docs).get("wordnet:n:00001740");
        assertEquals("noun.Tops", entity.label());
        assertTrue(entity.text().startsWith("entity: that which is perceived or known or inferred"), entity.text());
        assertTrue(docs.stream().anyMatch(x -> x.label().startsWith("verb.")));
        assertTrue(docs.stream().anyMatch(x -> x.label().startsWith("adj.")));
        assertTrue(docs.stream().noneMatch(x -> x.text().contains("_") || x.text().matches("(?s).*\\((a|p|ip)\\).*")));
    }
}
