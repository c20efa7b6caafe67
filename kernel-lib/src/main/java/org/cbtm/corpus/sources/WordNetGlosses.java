package org.cbtm.corpus.sources;

import org.cbtm.corpus.Document;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * WordNet 3.0 synsets (Debian {@code wordnet-base}, files {@code data.noun/verb/adj/adv}): one document per synset,
 * text {@code "lemma, lemma: gloss"} (underscores to spaces, adjective position markers removed); label: the
 * lexicographer class ({@code noun.animal}, {@code verb.motion}, ...); metadata: part of speech, synset offset.
 */
public final class WordNetGlosses {

    public static final String SOURCE = "wordnet";
    /** The standard WordNet 3.0 lexicographer file names, by number. */
    public static final List<String> LEXNAMES = List.of(
            "adj.all", "adj.pert", "adv.all", "noun.Tops", "noun.act", "noun.animal", "noun.artifact",
            "noun.attribute", "noun.body", "noun.cognition", "noun.communication", "noun.event", "noun.feeling",
            "noun.food", "noun.group", "noun.location", "noun.motive", "noun.object", "noun.person",
            "noun.phenomenon", "noun.plant", "noun.possession", "noun.process", "noun.quantity", "noun.relation",
            "noun.shape", "noun.state", "noun.substance", "noun.time", "verb.body", "verb.change",
            "verb.cognition", "verb.communication", "verb.competition", "verb.consumption", "verb.contact",
            "verb.creation", "verb.emotion", "verb.motion", "verb.perception", "verb.possession", "verb.social",
            "verb.stative", "verb.weather", "adj.ppl");
    private static final List<String> FILES = List.of("data.noun", "data.verb", "data.adj", "data.adv");

    private WordNetGlosses() {
    }

    /** Reads whichever of {@code data.noun}, {@code data.verb}, {@code data.adj}, {@code data.adv} are in {@code dir}. */
    public static List<Document> read(Path dir) {
        List<Document> out = new ArrayList<>();
        boolean any = false;
        for (String name : FILES) {
            Path f = dir.resolve(name);
            if (Files.isRegularFile(f)) {
                any = true;
                out.addAll(readFile(f));
            }
        }
        if (!any) {
            throw new IllegalArgumentException("No WordNet data.* files in " + dir);
        }
        return out;
    }

    public static List<Document> readFile(Path file) {
        List<Document> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file + ": " + e.getMessage(), e);
        }
        int lineNo = 0;
        for (String line : lines) {
            lineNo++;
            if (line.startsWith("  ") || line.isBlank()) {
                continue; // the licence header
            }
            int bar = line.indexOf(" | ");
            String[] f = (bar < 0 ? line : line.substring(0, bar)).trim().split(" ");
            try {
                String offset = f[0];
                int lex = Integer.parseInt(f[1]);
                String type = f[2];
                int words = Integer.parseInt(f[3], 16);
                List<String> lemmas = new ArrayList<>();
                for (int i = 0; i < words; i++) {
                    String w = f[4 + 2 * i].replaceAll("\\((a|p|ip)\\)$", "").replace('_', ' ');
                    lemmas.add(w);
                }
                String gloss = bar < 0 ? "" : line.substring(bar + 3).strip();
                String pos = switch (type) {
                    case "n" -> "noun";
                    case "v" -> "verb";
                    case "a", "s" -> "adjective";
                    case "r" -> "adverb";
                    default -> throw new IllegalArgumentException("unknown synset type " + type);
                };
                Map<String, Object> meta = new LinkedHashMap<>();
                meta.put("pos", pos);
                meta.put("offset", offset);
                meta.put("lemmas", String.join(", ", lemmas));
                String text = Texts.normalize(String.join(", ", lemmas) + ": " + gloss);
                out.add(Document.of(SOURCE + ":" + type + ":" + offset, text, SOURCE, LEXNAMES.get(lex), meta));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + ":" + lineNo + ": not a WordNet data line ("
                        + e.getMessage() + "): " + line.substring(0, Math.min(120, line.length())), e);
            }
        }
        return out;
    }
}
