package org.cbtm;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The target layering of {@code org.cbtm}, lowest first:
 *
 * <pre>
 * base                                      files, paths, profile, hashing, provenance (imports no other org.cbtm package)
 * math                                      dense kernels
 * corpus, corpus.sources, text..            data: documents, splits, the mixture, tokenizer, tf-idf
 * cluster, lm.., route, train, ensemble, eval, fewshot, moe, btm, smalltalk   the domain (free to use each other, without cycles)
 * present                                   plots and display-only tables
 * experiment                                presets, the artifact cache, grids
 * notebook                                  the kernel's display layer
 * </pre>
 *
 * A layer may use only the layers below it. Only the library's main classes are imported (not its tests). Every rule
 * fails with the offending classes and the line of each dependency.
 */
@AnalyzeClasses(packages = "org.cbtm", importOptions = {ImportOption.DoNotIncludeTests.class,
        ImportOption.DoNotIncludeJars.class})
class ArchitectureTest {

    private static final String BASE = "org.cbtm.base..";
    private static final String MATH = "org.cbtm.math..";
    private static final String[] DATA = {"org.cbtm.corpus..", "org.cbtm.text.."};
    private static final String[] DOMAIN = {"org.cbtm.cluster..", "org.cbtm.lm..", "org.cbtm.route..",
            "org.cbtm.train..", "org.cbtm.ensemble..", "org.cbtm.eval..", "org.cbtm.fewshot..", "org.cbtm.moe..",
            "org.cbtm.btm..", "org.cbtm.smalltalk.."};
    private static final String PRESENT = "org.cbtm.present..";
    private static final String EXPERIMENT = "org.cbtm.experiment..";
    private static final String NOTEBOOK = "org.cbtm.notebook..";

    /** No cycles between packages at full sub-package granularity: lm, lm.gpt and lm.ngram are three slices. */
    @ArchTest
    static final ArchRule noCyclesBetweenPackages = slices().matching("org.cbtm.(**)").namingSlices("$1")
            .should().beFreeOfCycles();

    /** No cycles between the top-level packages (lm.gpt and lm.ngram count as lm, text.token as text, ...). */
    @ArchTest
    static final ArchRule noCyclesBetweenTopLevelPackages = slices().matching("org.cbtm.(*)..").namingSlices("$1")
            .should().beFreeOfCycles();

    /** Every class belongs to a layer: a new package has to be placed in the layering before it is used. */
    @ArchTest
    static final ArchRule everyPackageIsInALayer = classes().that().resideInAPackage("org.cbtm..")
            .should().resideInAnyPackage(concat(new String[] {BASE, MATH, PRESENT, EXPERIMENT, NOTEBOOK}, DATA, DOMAIN))
            .because("every org.cbtm package has a place in the layering (see ArchitectureTest)");

    /** The layers, each using only those below it. */
    @ArchTest
    static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("base").definedBy(BASE)
            .layer("math").definedBy(MATH)
            .layer("data").definedBy(DATA)
            .layer("domain").definedBy(DOMAIN)
            .layer("present").definedBy(PRESENT)
            .layer("experiment").definedBy(EXPERIMENT)
            .layer("notebook").definedBy(NOTEBOOK)
            .whereLayer("base").mayNotAccessAnyLayer()
            .whereLayer("math").mayOnlyAccessLayers("base")
            .whereLayer("data").mayOnlyAccessLayers("base", "math")
            .whereLayer("domain").mayOnlyAccessLayers("base", "math", "data")
            .whereLayer("present").mayOnlyAccessLayers("base", "math", "data", "domain")
            .whereLayer("experiment").mayOnlyAccessLayers("base", "math", "data", "domain", "present")
            .whereLayer("notebook").mayOnlyAccessLayers("base", "math", "data", "domain", "present", "experiment");

    /** The lowest layer imports no other org.cbtm package. */
    @ArchTest
    static final ArchRule baseImportsNothingOfTheLibrary = classes().that().resideInAPackage(BASE)
            .should().onlyDependOnClassesThat(resideOutsideOfPackage("org.cbtm..").or(resideInAPackage(BASE)))
            .because("org.cbtm.base is the lowest layer");

    @ArchTest
    static final ArchRule onlyTheNotebookUsesTheNotebook = noClasses().that().resideOutsideOfPackage(NOTEBOOK)
            .and().resideInAPackage("org.cbtm..")
            .should().dependOnClassesThat().resideInAPackage(NOTEBOOK)
            .because("org.cbtm.notebook is the top layer (the kernel's display), used by nothing in the library");

    @ArchTest
    static final ArchRule onlyTheKernelSpeaksJupyter = noClasses().that().resideOutsideOfPackage("org.cbtm.notebook.kernel..")
            .and().resideInAPackage("org.cbtm..")
            .should().dependOnClassesThat().resideInAnyPackage("org.dflib.jjava..", "jdk.jshell..")
            .because("the Jupyter protocol and JShell are the kernel's business (org.cbtm.notebook.kernel); the library "
                    + "shows things through org.cbtm.notebook.Kernel");

    @ArchTest
    static final ArchRule onlyExperimentAndNotebookUseExperiment = noClasses()
            .that().resideOutsideOfPackages(EXPERIMENT, NOTEBOOK).and().resideInAPackage("org.cbtm..")
            .should().dependOnClassesThat().resideInAPackage(EXPERIMENT)
            .because("org.cbtm.experiment composes the building blocks; they do not know it");

    @ArchTest
    static final ArchRule nothingBelowPresentUsesPresent = noClasses()
            .that().resideInAnyPackage(concat(new String[] {BASE, MATH}, DATA, DOMAIN))
            .should().dependOnClassesThat().resideInAPackage(PRESENT)
            .because("plots and display-only tables live in org.cbtm.present, above the domain they show");

    private static String[] concat(String[] first, String[]... rest) {
        List<String> all = new ArrayList<>(List.of(first));
        for (String[] r : rest) {
            all.addAll(List.of(r));
        }
        return all.toArray(String[]::new);
    }
}
