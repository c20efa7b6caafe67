#!/usr/bin/python3
"""Executes notebooks headless with nbclient and fails loudly on the first error output.

Used by environment/reproduce. Executed copies go to --out (never over the committed notebooks).
Exit status: 0 when every notebook ran clean, 1 when one failed (notebook, cell number and error text are
printed), 2 for bad arguments.
"""
import argparse
import os
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

START_TRIES = 3
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class NotebookFailure(Exception):
    """A notebook that did not run clean: which one, which cell, what it said.

    A cell is named twice: its place among all cells of the file (markdown included, as an editor counts them)
    and its execution number, the `In [n]` Jupyter shows beside it."""

    def __init__(self, notebook, cell_number, source, error, execution_count=None):
        self.notebook, self.cell_number, self.source, self.error = notebook, cell_number, source, error
        self.execution_count = execution_count
        first = source.strip().splitlines()[0] if source.strip() else ""
        cell = f"cell {cell_number}" if cell_number is not None else "kernel"
        if cell_number is not None and execution_count is not None:
            cell += f" (In [{execution_count}])"
        super().__init__(f"{notebook}: {cell} failed" + (f" (`{first[:100]}`)" if first else "") + f"\n{error}")


def error_text(output):
    """The readable text of an error output, without ANSI colours."""
    if output.get("output_type") == "error":
        lines = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        lines += output.get("traceback", [])
        return ANSI.sub("", "\n".join(lines)).strip()
    return None


def first_error(nb):
    """(cell number, source, text, execution number) of the first error output in a notebook, or None.

    Cells are counted from 1 over all cells; the execution number is the cell's `In [n]` (the code cells' own
    count when the kernel did not number it). Scanning outputs catches errors that do not raise in nbclient."""
    code_cells = 0
    for index, cell in enumerate(nb.cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        code_cells += 1
        for output in cell.get("outputs", []):
            text = error_text(output)
            if text is not None:
                return index, cell.get("source", ""), text, cell.get("execution_count") or code_cells
    return None


def execution_number(nb, index):
    """The `In [n]` of cell `index` (0-based), or its place among the code cells."""
    cell = nb.cells[index]
    return cell.get("execution_count") or sum(1 for c in nb.cells[:index + 1] if c.get("cell_type") == "code")


def kernel_started(client, log):
    """Starts the kernel and waits for its first kernel_info reply; a start that does not answer is retried.

    The kernel's own log goes to `log` (a file), not into the runner's output: its launcher writes there because
    CBTM_KERNEL_LOG names that file (see run_notebook)."""
    last = None
    for attempt in range(1, START_TRIES + 1):
        try:
            client.km = client.create_kernel_manager()
            client.start_new_kernel(stdout=log, stderr=log)
            client.start_new_kernel_client()
            return
        except (RuntimeError, TimeoutError) as e:  # "Kernel didn't respond in N seconds"
            last = e
            print(f"[cbtm]   kernel did not answer (try {attempt}/{START_TRIES}): {e}", file=sys.stderr)
            try:
                client._cleanup_kernel()
            except Exception:  # noqa: BLE001 - the kernel may already be gone
                pass
            time.sleep(1)
    raise NotebookFailure(client.nb_name, None, "", f"the kernel did not start after {START_TRIES} tries: {last}")


def run_notebook(path, out_dir, kernel_name, cell_timeout, startup_timeout):
    nb = nbformat.read(path, as_version=4)
    name = os.path.basename(path)
    client = NotebookClient(nb, kernel_name=kernel_name, timeout=cell_timeout, startup_timeout=startup_timeout,
                            allow_errors=False, record_timing=True,
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
    client.nb_name = name
    failure = None
    started = time.time()
    os.makedirs(out_dir, exist_ok=True)
    log_path = os.path.join(os.path.abspath(out_dir), name[:-len(".ipynb")] + ".kernel.log")
    log = open(log_path, "w")
    os.environ["CBTM_KERNEL_LOG"] = log_path  # the kernel's launcher and the kernel write their log there
    try:
        kernel_started(client, log)
        try:
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
        except CellTimeoutError as e:
            failure = NotebookFailure(name, index + 1, nb.cells[index].source, f"timed out after {cell_timeout} s: {e}",
                                      execution_number(nb, index))
        except DeadKernelError as e:
            failure = NotebookFailure(name, index + 1, nb.cells[index].source, f"the kernel died: {e}",
                                      execution_number(nb, index))
        except CellExecutionError:
            pass  # the error output is in the cell: first_error finds it with its text
    except NotebookFailure as e:
        failure = e
    finally:
        try:
            client._cleanup_kernel()
        except Exception:  # noqa: BLE001
            pass
        log.close()
        target = os.path.join(out_dir, name)
        tmp = target + ".partial"
        nbformat.write(nb, tmp)
        os.replace(tmp, target)
    if failure is None:
        found = first_error(nb)
        if found is not None:
            failure = NotebookFailure(name, *found)
    if failure is not None:
        raise failure
    return time.time() - started


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("notebooks", nargs="+")
    ap.add_argument("--out", required=True, help="folder for the executed copies")
    ap.add_argument("--kernel", default="java-cbtm")
    ap.add_argument("--cell-timeout", type=int, default=3600)
    ap.add_argument("--startup-timeout", type=int, default=60)
    ap.add_argument("--html", action="store_true", help="also export each executed notebook to HTML")
    args = ap.parse_args(argv)
    for nb in args.notebooks:
        if not os.path.isfile(nb):
            print(f"[cbtm] no such notebook: {nb}", file=sys.stderr)
            return 2
    for nb in args.notebooks:
        print(f"[cbtm] running {nb}", file=sys.stderr, flush=True)
        try:
            seconds = run_notebook(nb, args.out, args.kernel, args.cell_timeout, args.startup_timeout)
        except NotebookFailure as e:
            print(f"[cbtm] FAILED {e}", file=sys.stderr)
            print(f"[cbtm] the executed copy is in {os.path.join(args.out, os.path.basename(nb))}", file=sys.stderr)
            return 1
        print(f"[cbtm] ok {nb} ({seconds:.0f} s)", file=sys.stderr, flush=True)
        if args.html:
            from nbconvert import HTMLExporter
            executed = os.path.join(args.out, os.path.basename(nb))
            body, _ = HTMLExporter().from_filename(executed)
            with open(executed[:-len(".ipynb")] + ".html", "w", encoding="utf-8") as f:
                f.write(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
