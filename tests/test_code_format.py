"""Code that fits the page: every notebook's code is formatted by ruff (`make format`) at the
width of the book's code column, and what ruff cannot shorten (comments, docstrings, long
strings) is wrapped by tools/notebooks.py without changing what the code does."""

import itertools
import json
import subprocess
import sys

import pytest

from tests.helpers_for_tests import ROOT
from tools import notebooks as nbtools

LIMIT = nbtools.CODE_LINE_LENGTH
NOTEBOOKS = sorted(p for folder in ("chapters", "solutions", "exercises") for p in (ROOT / folder).glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_code_line_fits_the_column(path):
    long = [
        f"cell {cell['id']}: {len(line)} characters: {line.strip()[:60]}..."
        for cell in json.loads(path.read_text())["cells"]
        if cell["cell_type"] == "code"
        for line in "".join(cell["source"]).split("\n")
        if len(line) > LIMIT
    ]
    assert not long, f"code lines longer than {LIMIT} characters (run `make format`; shorten what it cannot):\n" + "\n".join(long)


def test_the_column_width_is_the_one_the_browser_test_measures():
    from tests.book import test_browser

    assert test_browser.CODE_COLUMNS == LIMIT


@pytest.mark.parametrize("needs", [(), *([name] for name in nbtools.extras()), tuple(nbtools.extras())])
@pytest.mark.parametrize("ref", [None, "0123456789abcdef0123456789abcdef01234567"])
def test_setup_cell_fits_and_ruff_leaves_it_alone(tmp_path, needs, ref):
    source = nbtools.setup_source(list(needs), ref=ref)
    assert max(len(line) for line in source.split("\n")) <= LIMIT
    path = tmp_path / "setup.py"
    path.write_text(source + "\n")
    ruff = [sys.executable, "-m", "ruff", "format", "--isolated", f"--line-length={LIMIT}", "--diff", str(path)]
    assert subprocess.run(ruff, capture_output=True, text=True).returncode == 0


def test_a_shape_comment_that_does_not_fit_moves_above_its_line():
    code = "def f(g):\n    return np.concatenate([g['W_xh'].ravel(), g['W_hh'].ravel(), g['b_h']])  # (n_h * n_x + n_h * n_h + n_h,)"
    assert nbtools.lift_long_comments(code) == (
        "def f(g):\n    # (n_h * n_x + n_h * n_h + n_h,)\n    return np.concatenate([g['W_xh'].ravel(), g['W_hh'].ravel(), g['b_h']])"
    )
    fits = "x = np.zeros(3)  # (3,)\ny = '# not a comment'  # (1,)"
    assert nbtools.lift_long_comments(fits) == fits


def test_long_strings_docstrings_and_comments_are_wrapped_to_the_same_meaning():
    name, num_steps, values = "tanh, orthogonal", 100, [1.5, 2.25]
    code = (
        "def describe(name, num_steps, values):\n"
        '    """Describe a run: its name, its number of steps and the last of its values, formatted for a printed table."""\n'
        "    # A comment long enough that it cannot stay on one line of the book's code column, so it wraps.\n"
        "    return (\n"
        f'        f"{{name:22s}} ||h_{{num_steps}}|| = {{values[-1]:9.3g}}   ||dh_{{num_steps}}/dh_0|| = {{{{braces}}}} {{values[0]:.2f}} and some more words",\n'
        "    )\n"
    )
    wrapped = nbtools.wrap_long_lines(code)
    assert max(len(line) for line in wrapped.split("\n")) <= LIMIT
    namespaces = [{}, {}]
    exec(code, namespaces[0])
    exec(wrapped, namespaces[1])
    before, after = (ns["describe"](name, num_steps, values) for ns in namespaces)
    assert before == after and "{braces}" in after[0]
    assert namespaces[1]["describe"].__doc__.split() == namespaces[0]["describe"].__doc__.split()
    assert wrapped.count("    # ") == 2


def test_format_code_is_idempotent_and_names_a_cell_ruff_cannot_parse():
    import nbformat

    cells = ["x=[1,2,\n3]", "y = f(a_long_argument_name, another_long_argument_name, yet_another_one)  # (batch, num_steps, num_hiddens)"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbtools.format_code({"chapters/x.ipynb": nb})
    once = [c.source for c in nb.cells]
    nbtools.format_code({"chapters/x.ipynb": nb})
    assert [c.source for c in nb.cells] == once and once[0] == "x = [1, 2, 3]"
    assert once[1].startswith("# (batch, num_steps, num_hiddens)\ny = f(")
    broken = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("def f(:\n    pass")])
    broken.cells[0].id = "abc123"
    with pytest.raises(ValueError, match=r"chapters/y.ipynb \(cell abc123\)"):
        nbtools.format_code({"chapters/y.ipynb": broken})


def test_wrapping_leaves_code_that_fits_alone():
    for source in ["x = 1", "print('a' * 200)", "!pip install something", "def f():\n    '''Short.'''\n    return 1"]:
        assert nbtools.wrap_long_lines(source) == source
    assert list(itertools.islice(nbtools._split_string('"' + "word " * 30 + '"', 40), 2))[0].endswith(' "')
