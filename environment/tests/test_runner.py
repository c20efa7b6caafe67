"""Tests of the headless runner (environment/run_notebooks.py).

The first class needs no kernel. The second runs fixture notebooks in the real Java kernel, so it needs the
kernelspec that environment/test installs first (JUPYTER_PATH pointing at build/jupyter)."""
import os
import subprocess
import sys
import tempfile
import unittest

import nbformat

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import run_notebooks  # noqa: E402


def notebook_with_outputs(outputs_per_cell):
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("prose"))
    for i, outputs in enumerate(outputs_per_cell):
        cell = nbformat.v4.new_code_cell(f"cell{i}();")
        cell.outputs = [nbformat.from_dict(o) for o in outputs]
        nb.cells.append(cell)
    return nb


class ScanningOutputs(unittest.TestCase):

    def test_clean_notebook_has_no_error(self):
        nb = notebook_with_outputs([[{"output_type": "stream", "name": "stdout", "text": "hi"}]])
        self.assertIsNone(run_notebooks.first_error(nb))

    def test_error_output_is_found_with_its_cell_number_and_text(self):
        err = {"output_type": "error", "ename": "IllegalStateException", "evalue": "boom",
               "traceback": ["\x1b[31mjava.lang.IllegalStateException: boom\x1b[0m", "   at X.y(Unknown)"]}
        nb = notebook_with_outputs([[], [err]])
        number, source, text, execution = run_notebooks.first_error(nb)
        self.assertEqual(number, 3)  # markdown is cell 1, then the two code cells
        self.assertEqual(execution, 2)  # not run here: the second code cell, In [2] once run top to bottom
        self.assertEqual(source, "cell1();")
        self.assertIn("IllegalStateException: boom", text)
        self.assertIn("java.lang.IllegalStateException: boom", text)
        self.assertNotIn("\x1b[", text, "ANSI colours are removed")

    def test_failure_message_names_notebook_cell_and_source(self):
        f = run_notebooks.NotebookFailure("nb.ipynb", 4, "var x = 1;\nmore", "Oops: bad", 2)
        self.assertIn("nb.ipynb: cell 4 (In [2]) failed (`var x = 1;`)", str(f))
        self.assertIn("Oops: bad", str(f))

    def test_missing_notebook_is_a_usage_error(self):
        with tempfile.TemporaryDirectory() as out:
            self.assertEqual(run_notebooks.main(["/nonexistent.ipynb", "--out", out]), 2)


@unittest.skipUnless(os.environ.get("JUPYTER_PATH"), "needs the java-cbtm kernelspec (run through environment/test)")
class RunningInTheKernel(unittest.TestCase):

    def run_runner(self, notebook, out):
        return subprocess.run([sys.executable, os.path.join(os.path.dirname(HERE), "run_notebooks.py"),
                               os.path.join(HERE, "fixtures", notebook), "--out", out, "--cell-timeout", "120"],
                              capture_output=True, text=True, timeout=600)

    def test_failing_cell_fails_the_run_with_its_cell_number(self):
        with tempfile.TemporaryDirectory() as out:
            r = self.run_runner("failing.ipynb", out)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn("failing.ipynb: cell 3 (In [2]) failed (`Object o = null;`)", r.stderr)
            self.assertIn("NullPointerException", r.stderr)
            self.assertNotIn("EvalException", r.stderr, "the error is named after the real exception")
            log = open(os.path.join(out, "failing.kernel.log")).read()
            self.assertIn("Java (C-BTM) kernel", log, "the kernel's log is beside the executed notebook")
            executed = nbformat.read(os.path.join(out, "failing.ipynb"), as_version=4)
            self.assertEqual(executed.cells[3].outputs, [], "execution stops at the failing cell")
            committed = nbformat.read(os.path.join(HERE, "fixtures", "failing.ipynb"), as_version=4)
            self.assertTrue(all(not c.get("outputs") for c in committed.cells if c.cell_type == "code"),
                            "the source notebook is never written")

    def test_clean_notebook_passes(self):
        with tempfile.TemporaryDirectory() as out:
            r = self.run_runner("passing.ipynb", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            executed = nbformat.read(os.path.join(out, "passing.ipynb"), as_version=4)
            self.assertIn("42", executed.cells[1].outputs[0]["data"]["text/plain"])


if __name__ == "__main__":
    unittest.main()
