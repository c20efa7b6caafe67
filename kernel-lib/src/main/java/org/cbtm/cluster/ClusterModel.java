package org.cbtm.cluster;

import org.cbtm.base.HasProvenance;
import org.cbtm.base.Provenance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.cbtm.base.AtomicFiles;
import org.cbtm.math.DenseMatrix;
import org.cbtm.text.tfidf.TfidfSvdEmbedder;
import org.cbtm.text.tfidf.TfidfVectorizer;

/**
 * A fitted C-BTM clustering: the tf-idf + SVD embedder and the k-means centres. {@link #predict} embeds documents
 * and takes the nearest centre (the corpus assignment and routing rule). Saved as one self-describing zip
 * ({@code meta.json} with the settings and {@link Provenance}, {@code vocabulary.txt}, and the arrays as raw
 * big-endian doubles), written atomically; loading it gives identical predictions.
 */
public final class ClusterModel implements FittedPartition, HasProvenance {
    public static final String FORMAT = "cbtm-cluster-model/1";

    private final TfidfSvdEmbedder embedder;
    private final KMeansModel kmeans;
    private final Provenance provenance;

    public ClusterModel(TfidfSvdEmbedder embedder, KMeansModel kmeans, Provenance provenance) {
        if (embedder.dimensions() != kmeans.centres().cols()) {
            throw new IllegalArgumentException("embedder has " + embedder.dimensions() + " dimensions, centres "
                    + kmeans.centres().cols());
        }
        this.embedder = embedder;
        this.kmeans = kmeans;
        this.provenance = provenance;
    }

    public TfidfSvdEmbedder embedder() {
        return embedder;
    }

    public KMeansModel kmeans() {
        return kmeans;
    }

    @Override
    public Provenance provenance() {
        return provenance;
    }

    /** The centres, {@code K x dimensions}. */
    public DenseMatrix centres() {
        return kmeans.centres();
    }

    @Override
    public int numClusters() {
        return kmeans.k();
    }

    @Override
    public int[] predict(List<String> texts, List<String> labels) {
        return kmeans.predict(embedder.transform(texts));
    }

    /** Nearest centre of already-embedded rows. */
    public int[] predictEmbeddings(DenseMatrix embeddings) {
        return kmeans.predict(embeddings);
    }

    @Override
    public String describe() {
        KMeans c = kmeans.config();
        return (c.balanced() ? "balanced" : "unbalanced") + " k-means, K = " + c.k() + ", "
                + embedder.dimensions() + "-d tf-idf SVD over " + embedder.vectorizer().vocabularySize()
                + " terms, seed " + c.seed();
    }

    // ------------------------------------------------------------------ save / load

    /** Writes the model to {@code file} (a zip) atomically; returns {@code file}. */
    public Path save(Path file) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode meta = json.createObjectNode();
        meta.put("format", FORMAT);
        ObjectNode prov = meta.putObject("provenance");
        prov.put("kind", provenance.kind());
        prov.put("config", provenance.config());
        ObjectNode inputs = prov.putObject("inputs");
        provenance.inputs().forEach(inputs::put);
        prov.put("seed", provenance.seed());
        prov.put("libraryVersion", provenance.libraryVersion());
        prov.put("created", provenance.created());
        TfidfSvdEmbedder.Config ec = embedder.config();
        ObjectNode emb = meta.putObject("embedder");
        emb.put("dimensions", ec.dimensions());
        emb.put("minDf", ec.tfidf().minDf());
        emb.put("maxDf", ec.tfidf().maxDf());
        emb.put("maxFeatures", ec.tfidf().maxFeatures());
        emb.put("oversamples", ec.oversamples());
        emb.put("powerIterations", ec.powerIterations());
        emb.put("seed", ec.seed());
        emb.put("stopWords", "scikit-learn english + #NUMBER");
        emb.put("vocabularySize", embedder.vectorizer().vocabularySize());
        emb.put("fittedDocuments", embedder.vectorizer().numDocs());
        KMeans kc = kmeans.config();
        ObjectNode km = meta.putObject("kmeans");
        km.put("k", kc.k());
        km.put("balanced", kc.balanced());
        km.put("init", kc.init().name());
        km.put("maxIterations", kc.maxIterations());
        km.put("tolerance", kc.tolerance());
        km.put("seed", kc.seed());
        km.put("chunkSize", kc.chunkSize());
        km.put("auctionEpsFraction", kc.auction().epsFraction());
        km.put("auctionFinalEpsFraction", kc.auction().finalEpsFraction());
        km.put("auctionScalingFactor", kc.auction().scalingFactor());
        km.put("iterations", kmeans.iterations());
        var shifts = km.putArray("shifts");
        kmeans.shifts().forEach(shifts::add);
        return AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            zip.putNextEntry(new ZipEntry("meta.json"));
            zip.write(json.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry("vocabulary.txt"));
            TfidfVectorizer v = embedder.vectorizer();
            StringBuilder sb = new StringBuilder();
            for (int j = 0; j < v.vocabularySize(); j++) {
                sb.append(v.term(j)).append('\n');
            }
            zip.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            writeDoubles(zip, "idf.f64", v.idfs());
            writeDoubles(zip, "components.f64", embedder.components().data());
            writeDoubles(zip, "singular-values.f64", embedder.singularValues());
            writeDoubles(zip, "centres.f64", kmeans.centres().data());
            zip.finish();
        });
    }

    private static void writeDoubles(ZipOutputStream zip, String name, double[] a) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        ByteArrayOutputStream buf = new ByteArrayOutputStream(a.length * 8);
        DataOutputStream d = new DataOutputStream(buf);
        for (double x : a) {
            d.writeDouble(x);
        }
        d.flush();
        buf.writeTo(zip);
        zip.closeEntry();
    }

    private static double[] readDoubles(byte[] b) throws IOException {
        double[] a = new double[b.length / 8];
        DataInputStream d = new DataInputStream(new java.io.ByteArrayInputStream(b));
        for (int i = 0; i < a.length; i++) {
            a[i] = d.readDouble();
        }
        return a;
    }

    /** Loads a model written by {@link #save}. */
    public static ClusterModel load(Path file) {
        Map<String, byte[]> entries = new HashMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                entries.put(e.getName(), zip.readAllBytes());
            }
            for (String need : List.of("meta.json", "vocabulary.txt", "idf.f64", "components.f64",
                    "singular-values.f64", "centres.f64")) {
                if (!entries.containsKey(need)) {
                    throw new IllegalArgumentException(file + " is not a cluster model: no " + need);
                }
            }
            JsonNode meta = new ObjectMapper().readTree(entries.get("meta.json"));
            if (!FORMAT.equals(meta.path("format").asText())) {
                throw new IllegalArgumentException(file + " has format '" + meta.path("format").asText()
                        + "', expected " + FORMAT);
            }
            JsonNode p = meta.get("provenance");
            Map<String, String> inputs = new java.util.TreeMap<>();
            p.path("inputs").fields().forEachRemaining(e -> inputs.put(e.getKey(), e.getValue().asText()));
            Provenance prov = new Provenance(p.get("kind").asText(), p.path("config").asText("{}"), inputs,
                    p.get("seed").asLong(), p.get("libraryVersion").asText(), p.get("created").asText());
            JsonNode em = meta.get("embedder");
            TfidfVectorizer.Config tc = new TfidfVectorizer.Config(em.get("minDf").asInt(), em.get("maxDf").asDouble(),
                    em.get("maxFeatures").asInt());
            TfidfSvdEmbedder.Config ec = new TfidfSvdEmbedder.Config(em.get("dimensions").asInt(), tc,
                    em.get("oversamples").asInt(), em.get("powerIterations").asInt(), em.get("seed").asLong());
            List<String> terms = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(
                    new java.io.ByteArrayInputStream(entries.get("vocabulary.txt")), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    terms.add(line);
                }
            }
            TfidfVectorizer vec = TfidfVectorizer.of(tc, terms.toArray(String[]::new),
                    readDoubles(entries.get("idf.f64")), em.get("fittedDocuments").asInt());
            int dims = ec.dimensions();
            DenseMatrix comp = new DenseMatrix(terms.size(), dims, readDoubles(entries.get("components.f64")));
            TfidfSvdEmbedder embedder = new TfidfSvdEmbedder(ec, vec, comp,
                    readDoubles(entries.get("singular-values.f64")));
            JsonNode km = meta.get("kmeans");
            KMeans kc = new KMeans(km.get("k").asInt(), km.get("balanced").asBoolean(),
                    KMeans.Init.valueOf(km.get("init").asText()), km.get("maxIterations").asInt(),
                    km.get("tolerance").asDouble(), km.get("seed").asLong(), km.get("chunkSize").asInt(),
                    new AuctionAssignment.Options(km.get("auctionEpsFraction").asDouble(),
                            km.get("auctionFinalEpsFraction").asDouble(), km.get("auctionScalingFactor").asDouble()));
            DenseMatrix centres = new DenseMatrix(kc.k(), dims, readDoubles(entries.get("centres.f64")));
            return new ClusterModel(embedder, KMeansModel.of(kc, centres), prov);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read cluster model " + file + ": " + e.getMessage(), e);
        }
    }
}
