/**
 * The "Java (C-BTM)" Jupyter kernel: JShell cells evaluated in this JVM (so that the library's objects render
 * richly and keep their state between cells), on the Jupyter messaging protocol of {@code jjava-jupyter}.
 *
 * <p>{@link org.cbtm.notebook.kernel.KernelMain} starts it from a kernelspec; {@link
 * org.cbtm.notebook.kernel.NotebookKernel} evaluates cells, interrupts them and reports errors under the real
 * exception's name; {@link org.cbtm.notebook.kernel.CellExecution} runs each snippet on a thread that an
 * interrupt can stop. The README's kernel section says why this replaced rapaio-jupyter-kernel 3.0.1.
 */
package org.cbtm.notebook.kernel;
