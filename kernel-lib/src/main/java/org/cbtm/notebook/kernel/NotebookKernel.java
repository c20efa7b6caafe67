package org.cbtm.notebook.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;

import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteInput;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteResult;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.reply.KernelInfoReply;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;
import org.dflib.jjava.jupyter.messages.request.KernelInfoRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.cbtm.base.Provenance;
import org.cbtm.notebook.Displays;
import org.cbtm.notebook.Kernel;
import org.cbtm.notebook.KernelSpec;
import org.cbtm.notebook.MimeBundle;

/**
 * The notebook kernel: each cell is split into JShell snippets and evaluated in this JVM; the last snippet's value is
 * rendered by {@link Displays#bundle}. An interrupt (Jupyter's {@code interrupt_request}, which arrives on the
 * control channel while the shell thread is busy) stops the running snippet, and the cell replies with an
 * {@code Interrupted} error; the kernel keeps its variables. Errors are named after the exception the cell threw.
 *
 * <p>JShell starts on a background thread, so that the kernel answers {@code kernel_info} as soon as its sockets are
 * bound; the first cell waits for it.
 */
public final class NotebookKernel extends BaseKernel {

    private static final Logger LOG = LoggerFactory.getLogger(NotebookKernel.class);

    /** JShell and the execution control it made, once started. */
    private record Shell(JShell jshell, CellExecution control, List<String> startupProblems) {
    }

    private final KernelIO kio;
    private final CompletableFuture<Shell> shell = new CompletableFuture<>();
    private volatile boolean interruptRequested;
    private volatile boolean startupProblemsShown;

    private NotebookKernel(KernelIO io) {
        super(KernelSpec.NAME, Provenance.currentLibraryVersion(), languageInfo(), List.of(), null, io, new CommManager(),
                new Renderer(), null, null, false, new StringStyler.Builder().build());
        this.kio = io;
    }

    /** A kernel whose JShell starts now, in the background, with the imports of {@code initScript} (may be null). */
    public static NotebookKernel start(Path initScript) {
        NotebookKernel k = new NotebookKernel(new KernelIO());
        Thread t = new Thread(() -> k.startShell(initScript), "jshell-start");
        t.setDaemon(true);
        t.start();
        return k;
    }

    /** Makes the library's {@code show}, progress bars and figures display through this kernel. */
    public void attachToLibrary() {
        Kernel.attach(frontend());
    }

    private static LanguageInfo languageInfo() {
        return new LanguageInfo.Builder("Java").version(Runtime.version().toString()).mimetype("text/x-java-source")
                .fileExtension(".jshell").pygments("java").codemirror("java").build();
    }

    private void startShell(Path initScript) {
        try {
            AtomicReference<CellExecution> made = new AtomicReference<>();
            List<String> options = new ArrayList<>();
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
                options.addAll(List.of("--add-modules", "jdk.incubator.vector"));
            }
            JShell js = JShell.builder()
                    .executionEngine(CellExecution.provider(made::set), Map.of())
                    .compilerOptions(options.toArray(String[]::new))
                    .in(kio.in).out(kio.out).err(kio.err)
                    .build();
            // the library and its dependencies are this JVM's classpath: cells compile against it, and JShell's
            // class loader asks this JVM's loader first, so cells and the kernel share one copy of every class
            js.addToClasspath(System.getProperty("java.class.path"));
            js.eval("int warmUp = 0;");   // makes JShell create its execution control now, not in the first cell
            js.drop(js.variables().filter(v -> v.name().equals("warmUp")).findFirst().orElseThrow());
            Shell s = new Shell(js, made.get(), new ArrayList<>());
            if (initScript != null) {
                runInitScript(s, initScript);
            }
            LOG.info("JShell ready ({} startup problems)", s.startupProblems().size());
            shell.complete(s);
        } catch (Throwable t) {
            LOG.error("JShell did not start", t);
            shell.completeExceptionally(t);
        }
    }

    /** The init script holds imports only; one that fails is reported in the first cell, never fatal. */
    private void runInitScript(Shell s, Path file) {
        String code;
        try {
            code = Files.readString(file);
        } catch (IOException e) {
            s.startupProblems().add("cannot read the init script " + file + ": " + e.getMessage());
            return;
        }
        SourceCodeAnalysis a = s.jshell().sourceCodeAnalysis();
        for (SourceCodeAnalysis.CompletionInfo info = a.analyzeCompletion(code); info.completeness().isComplete();
                info = a.analyzeCompletion(info.remaining())) {
            String src = info.source().trim();
            if (src.isEmpty()) {
                continue;
            }
            for (SnippetEvent e : s.jshell().eval(src)) {
                if (e.causeSnippet() == null && !e.status().isDefined()) {
                    s.startupProblems().add(file + ": " + src + " failed: " + diagnostics(s, e.snippet()));
                }
            }
        }
    }

    private Shell shell() {
        try {
            return shell.get();
        } catch (ExecutionException e) {
            throw new CellException("KernelStartFailed", "JShell did not start: " + e.getCause()
                    + " (restart the kernel; the kernel's log says more)", List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CellException.interrupted();
        }
    }

    // ---- execution ------------------------------------------------------------------------------------------------

    @Override
    protected synchronized void handleExecuteRequest(ShellReplyEnvironment env, Message<ExecuteRequest> message) {
        commManager.setMessageContext(message);
        ExecuteRequest request = message.getContent();
        int count = executionCount.getAndIncrement();
        env.setBusyDeferIdle();
        env.publish(new PublishExecuteInput(request.getCode(), count));
        replaceOutputStreams(env);
        kio.attach(env, request.isStdinEnabled());
        env.defer(() -> kio.detach(env));
        try {
            showStartupProblems();
            DisplayData out = eval(request.getCode());
            if (out != null) {
                env.publish(new PublishExecuteResult(count, out));
            }
            env.defer().reply(new ExecuteReply(count, Collections.emptyMap()));
        } catch (RuntimeException | Error e) {
            CellException ce = e instanceof CellException c ? c : CellException.thrown(e);
            env.publish(new PublishError(ce.errorName(), ce.getMessage(), ce.traceback()));
            ErrorReply reply = new ErrorReply(ce.errorName(), ce.getMessage(), ce.traceback());
            reply.setExecutionCount(count);
            env.defer().replyError(ExecuteReply.MESSAGE_TYPE.error(), reply);
        }
    }

    private void showStartupProblems() {
        if (!startupProblemsShown) {
            startupProblemsShown = true;
            shell().startupProblems().forEach(p -> kio.err.println("[kernel] " + p));
        }
    }

    /** Evaluates a cell; an interrupt that came while no cell ran does not stop this one. */
    @Override
    public DisplayData eval(String code) {
        interruptRequested = false;
        Object value = evalRaw(code);
        return value == null ? null : displayData(Displays.bundle(value));
    }

    /** Runs every snippet of the cell in order; returns the last snippet's value (null when it has none). */
    @Override
    public Object evalRaw(String code) {
        Shell s = shell();
        SourceCodeAnalysis a = s.jshell().sourceCodeAnalysis();
        Object last = null;
        String rest = code;
        SourceCodeAnalysis.CompletionInfo info = a.analyzeCompletion(rest);
        while (info.completeness().isComplete()) {
            int start = code.length() - rest.length();
            String src = info.source().trim();
            if (!src.isEmpty()) {
                int lead = rest.indexOf(src.charAt(0));
                int line = 1 + (int) code.substring(0, start + Math.max(0, lead)).chars().filter(c -> c == '\n').count();
                last = evalSnippet(s, src, line);
            }
            rest = info.remaining();
            info = a.analyzeCompletion(rest);
        }
        if (info.completeness() != SourceCodeAnalysis.Completeness.EMPTY) {
            String tail = info.remaining().strip();
            throw new CellException("IncompleteSource", "the cell ends in the middle of a statement (a missing ';', "
                    + "')' or '}'?)", List.of("    " + tail.lines().findFirst().orElse(tail)));
        }
        return last;
    }

    private Object evalSnippet(Shell s, String src, int cellLine) {
        List<SnippetEvent> events = s.jshell().eval(src);
        if (interruptRequested) {
            s.control().takeThrown();
            throw CellException.interrupted();
        }
        Object value = null;
        for (SnippetEvent e : events) {
            if (e.causeSnippet() != null) {
                continue;   // a snippet that changed because this one did
            }
            if (e.exception() != null) {
                throw errorOf(s, e.exception());
            }
            if (!e.status().isDefined()) {
                throw compileError(s, e.snippet(), src, cellLine);
            }
            value = valueOf(s, e);
        }
        return value;
    }

    /** The object a snippet produced, when it is an expression (or a bare variable name): what the cell shows. */
    private Object valueOf(Shell s, SnippetEvent e) {
        Snippet sn = e.snippet();
        if (sn instanceof VarSnippet v && sn.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND) {
            return read(s, v);
        }
        if (sn instanceof ExpressionSnippet x && sn.subKind() == Snippet.SubKind.VAR_VALUE_SUBKIND) {
            return s.jshell().variables().filter(v -> v.name().equals(x.name()))
                    .filter(v -> s.jshell().status(v).isActive()).reduce((p, q) -> q)
                    .map(v -> read(s, v)).orElse(e.value());
        }
        if (sn.subKind() == Snippet.SubKind.OTHER_EXPRESSION_SUBKIND) {
            return e.value();
        }
        return null;
    }

    private static Object read(Shell s, VarSnippet v) {
        s.jshell().varValue(v);
        return s.control().takeValue();
    }

    private CellException errorOf(Shell s, JShellException ex) {
        if (ex instanceof UnresolvedReferenceException u) {
            List<String> missing = s.jshell().unresolvedDependencies(u.getSnippet()).toList();
            return new CellException("UnresolvedReference", u.getSnippet().name() + " cannot be used until "
                    + String.join(", ", missing) + " is defined", List.of());
        }
        Throwable real = s.control().takeThrown();
        if (real != null && ex instanceof EvalException ee && real.getClass().getName().equals(ee.getExceptionClassName())) {
            return CellException.thrown(real);
        }
        return CellException.thrown(ex);
    }

    private static CellException compileError(Shell s, Snippet snippet, String src, int cellLine) {
        List<String> lines = new ArrayList<>();
        String first = null;
        for (Diag d : s.jshell().diagnostics(snippet).toList()) {
            if (!d.isError()) {
                continue;
            }
            // javac names the location "class " (JShell's wrapper class has no name a user knows): drop that line
            String msg = d.getMessage(Locale.ENGLISH).replaceAll("\\n\\s*location: class\\s*$", "");
            first = first == null ? msg.lines().findFirst().orElse(msg) : first;
            long pos = d.getStartPosition();
            if (pos < 0 || pos > src.length()) {
                lines.add("    " + msg);
                continue;
            }
            int lineStart = src.lastIndexOf('\n', (int) pos - 1) + 1;
            int lineEnd = src.indexOf('\n', (int) pos);
            int lineNo = cellLine + (int) src.substring(0, lineStart).chars().filter(c -> c == '\n').count();
            lines.add("line " + lineNo + ": " + msg);
            lines.add("    " + src.substring(lineStart, lineEnd < 0 ? src.length() : lineEnd));
            lines.add("    " + " ".repeat((int) pos - lineStart) + "^");
        }
        if (first == null) {
            List<String> missing = snippet instanceof jdk.jshell.DeclarationSnippet ds
                    ? s.jshell().unresolvedDependencies(ds).toList() : List.of();
            first = missing.isEmpty() ? "the snippet at line " + cellLine + " was not accepted"
                    : "the snippet at line " + cellLine + " needs " + String.join(", ", missing) + ", not defined yet";
        }
        return new CellException("CompilationError", first, lines);
    }

    private static String diagnostics(Shell s, Snippet snippet) {
        return String.join("; ", s.jshell().diagnostics(snippet).map(d -> d.getMessage(Locale.ENGLISH)).toList());
    }

    /** The protocol's kernel_info_reply carries {@code status: ok}; jjava's leaves it out, so ours adds it. */
    static final class KernelInfo extends KernelInfoReply {
        @SuppressWarnings("unused")   // serialized by Gson
        private final String status = "ok";

        KernelInfo(NotebookKernel k) {
            super(Header.PROTOCOL_VERISON, k.getName(), k.getVersion(), k.getLanguageInfo(), k.getBanner(),
                    k.getHelpLinks());
        }
    }

    @Override
    protected void handleKernelInfoRequest(ShellReplyEnvironment env, Message<KernelInfoRequest> message) {
        env.setBusyDeferIdle();
        env.reply(new KernelInfo(this));
    }

    // ---- interrupt, completion, inspection -------------------------------------------------------------------------

    @Override
    public void interrupt() {
        interruptRequested = true;
        Shell s = shell.getNow(null);
        if (s != null) {
            try {
                s.jshell().stop();
            } catch (RuntimeException e) {
                LOG.warn("stopping the running snippet failed", e);
            }
        }
        LOG.info("interrupt requested");
    }

    @Override
    public String isComplete(String code) {
        Shell s = shell.getNow(null);
        if (s == null) {
            return IS_COMPLETE_MAYBE;
        }
        SourceCodeAnalysis a = s.jshell().sourceCodeAnalysis();
        SourceCodeAnalysis.CompletionInfo info = a.analyzeCompletion(code);
        while (info.completeness().isComplete() && !info.remaining().isBlank()) {
            info = a.analyzeCompletion(info.remaining());
        }
        return switch (info.completeness()) {
            case COMPLETE, COMPLETE_WITH_SEMI, EMPTY -> IS_COMPLETE_YES;
            case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> "";
            case UNKNOWN -> IS_COMPLETE_BAD;
        };
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        Shell s = shell.getNow(null);
        if (s == null) {
            return null;
        }
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> suggestions = new ArrayList<>(
                s.jshell().sourceCodeAnalysis().completionSuggestions(code, at, anchor));
        suggestions.sort(Comparator.comparing((SourceCodeAnalysis.Suggestion x) -> !x.matchesType())
                .thenComparing(SourceCodeAnalysis.Suggestion::continuation));
        List<String> options = suggestions.stream().map(SourceCodeAnalysis.Suggestion::continuation).distinct().toList();
        return options.isEmpty() ? null : new ReplacementOptions(options, anchor[0], at);
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        Shell s = shell.getNow(null);
        if (s == null) {
            return null;
        }
        int end = at;
        while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) {
            end++;
        }
        var docs = s.jshell().sourceCodeAnalysis().documentation(code, end, true);
        if (docs == null || docs.isEmpty()) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (var d : docs) {
            text.append(d.signature()).append('\n');
            if (d.javadoc() != null) {
                text.append(d.javadoc().strip()).append('\n');
            }
            text.append('\n');
        }
        return new DisplayData(text.toString().strip());
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        super.onShutdown(isRestarting);
        Shell s = shell.getNow(null);
        if (s != null) {
            s.jshell().close();
        }
    }

    // ---- display --------------------------------------------------------------------------------------------------

    static DisplayData displayData(MimeBundle b) {
        DisplayData d = new DisplayData();
        b.data().forEach(d::putData);
        return d;
    }

    private Kernel.Frontend frontend() {
        return new Kernel.Frontend() {
            @Override
            public String display(MimeBundle bundle) {
                String id = UUID.randomUUID().toString();
                DisplayData d = displayData(bundle);
                d.setDisplayId(id);
                kio.display.display(d);
                return id;
            }

            @Override
            public void update(String id, MimeBundle bundle) {
                kio.display.updateDisplay(id, displayData(bundle));
            }
        };
    }

    /** For tests: waits until JShell is ready and throws what stopped it from starting. */
    void awaitReady() {
        shell();
    }
}
