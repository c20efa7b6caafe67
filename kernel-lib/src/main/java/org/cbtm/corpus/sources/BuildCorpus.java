package org.cbtm.corpus.sources;

import org.cbtm.corpus.PassageSplitter;
import org.cbtm.corpus.SplitAssigner;
import org.cbtm.text.token.TokenizerConfig;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Command line of {@code datasets/build}, after the downloads:
 * {@code BuildCorpus --raw datasets/cache/raw --out datasets/cache/corpus [--passage-chars 2000] [--max-vocab 0]}.
 * Reads package versions from {@code RAW/versions.properties}. Exit code 0 when built or already complete.
 */
public final class BuildCorpus {

    private BuildCorpus() {
    }

    public static void main(String[] args) throws IOException {
        Path raw = null;
        Path out = null;
        int passageChars = PassageSplitter.DEFAULT.maxChars();
        int maxVocab = TokenizerConfig.DEFAULT.maxVocab();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--raw" -> { raw = Path.of(require(a, v)); i++; }
                case "--out" -> { out = Path.of(require(a, v)); i++; }
                case "--passage-chars" -> { passageChars = Integer.parseInt(require(a, v)); i++; }
                case "--max-vocab" -> { maxVocab = Integer.parseInt(require(a, v)); i++; }
                default -> usage("unknown argument " + a);
            }
        }
        if (raw == null || out == null) {
            usage("--raw and --out are required");
        }
        Map<String, String> versions = new TreeMap<>();
        Path vf = raw.resolve("versions.properties");
        if (Files.isRegularFile(vf)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(vf)) {
                p.load(r);
            }
            p.stringPropertyNames().forEach(k -> versions.put(k, p.getProperty(k)));
        }
        Map<String, Path> inputs = new LinkedHashMap<>();
        for (SourceSpec s : SourceSpec.ALL) {
            Path in = raw.resolve(s.rawInput());
            if (!Files.exists(in)) {
                System.err.println("BuildCorpus: input of " + s.name() + " is missing: " + in
                        + " (datasets/build downloads it; delete datasets/cache/raw to download again)");
                System.exit(2);
            }
            inputs.put(s.name(), in);
        }
        int min = Math.min(PassageSplitter.DEFAULT.minChars(), passageChars / 4);
        CorpusBuilder b = new CorpusBuilder(new PassageSplitter(passageChars, min), SplitAssigner.DEFAULT,
                new TokenizerConfig(maxVocab, 1));
        try {
            b.build(inputs, versions, out, System.out);
        } catch (IllegalStateException e) {
            System.err.println("BuildCorpus: " + e.getMessage());
            System.exit(3);
        }
    }

    private static String require(String flag, String v) {
        if (v == null) {
            usage(flag + " needs a value");
        }
        return v;
    }

    private static void usage(String problem) {
        System.err.println("BuildCorpus: " + problem + "\nusage: BuildCorpus --raw DIR --out DIR "
                + "[--passage-chars N (default 2000)] [--max-vocab N (0 = every used GPT-2 token)]");
        System.exit(2);
    }
}
