package org.cbtm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmarks parse their arguments before they touch any data: {@code --help} prints the usage and returns,
 * an unknown option fails at once. (The benchmarks themselves are run by the scripts, never as timed unit tests.)
 */
class BenchmarkArgumentsTest {

    interface Main {
        void run(String[] args) throws Exception;
    }

    private static String stdout(Main main, String... args) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            main.run(args);
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpPrintsTheUsageOfEachScript() throws Exception {
        assertTrue(stdout(ClusteringBenchmark::main, "--help").startsWith("usage: environment/bench/clustering"));
        assertTrue(stdout(NgramBenchmark::main, "--help").startsWith("usage: environment/bench/ngram"));
        assertTrue(stdout(EnsembleBenchmark::main, "--help").startsWith("usage: environment/bench/ensemble"));
        assertTrue(stdout(TrainingBenchmark::main, "-h").startsWith("usage: environment/bench/training"));
    }

    @Test
    void anUnknownOptionFailsBeforeAnyWork() {
        for (Main m : List.<Main>of(ClusteringBenchmark::main, NgramBenchmark::main, EnsembleBenchmark::main,
                TrainingBenchmark::main, TokenizerBenchmark::main)) {
            assertThrows(IllegalArgumentException.class, () -> m.run(new String[] {"--no-such-option"}));
        }
    }

    @Test
    void theEnsembleRowsAreCheckedBeforeAnyWork() throws Exception {
        assertEquals(List.of("gpt", "posterior"), List.copyOf(EnsembleBenchmark.parseRows("gpt, Posterior")));
        assertEquals(List.of("smalltalk"), List.copyOf(EnsembleBenchmark.parseRows("SmallTalk")));
        assertThrows(IllegalArgumentException.class, () -> EnsembleBenchmark.main(new String[] {"--rows", "kn,moe"}));
        assertTrue(stdout(EnsembleBenchmark::main, "--help").contains("--quick"));
    }

    @Test
    void passagesAreCutAtTheWordLimit() {
        List<String> out = new ArrayList<>();
        ClusteringBenchmark.cutPassages("  a b c d e  ", 2, out);
        ClusteringBenchmark.cutPassages("   ", 2, out);
        assertEquals(List.of("a b", "c d", "e"), out);
    }
}
