"""The Colab edition's converter (tools/colab.py), on each MyST construct the book allows,
and its refusal of anything else. The edition built from the book is tested in
tests/book/test_colab_edition.py, after `make book` and `make colab`."""

import nbformat
import pytest

from tools import colab
from tools import notebooks as nbtools

VALUES = {"rate": "1.23456", "count": "12", "name": "'tanh'"}
REF = "0123456789abcdef0123456789abcdef01234567"


def notebook(*markdown: str, metadata: dict | None = None):
    cells = [nbformat.v4.new_markdown_cell("# Title\n\nOne line.")]
    cells.append(nbformat.v4.new_code_cell(nbtools.setup_source()))
    cells += [nbformat.v4.new_markdown_cell(text) for text in markdown]
    nb = nbformat.v4.new_notebook(cells=cells, metadata=metadata or {})
    return nbtools.normalize(nb, "chapters/99_test.ipynb")


def converted(*markdown: str, **kwargs):
    return colab.convert(notebook(*markdown, **kwargs), "chapters/99_test.ipynb", VALUES, REF)


def test_glued_values_are_pasted_with_the_books_format():
    nb = converted("grows by {glue:text}`rate:.3f` per step over {glue:text}`count` steps ({glue:text}`name`)")
    assert nb.cells[2].source == "grows by 1.235 per step over 12 steps (tanh)"


def test_a_missing_glue_value_is_an_error():
    with pytest.raises(ValueError, match="no value glued as 'absent'"):
        converted("{glue:text}`absent:.2f`")


def test_citations_become_author_year_links_to_the_references_page():
    nb = converted(
        "as shown {cite}`bengio1994learning`, {cite:p}`werbos1990bptt,hochreiter1997lstm` and by {cite:t}`hochreiter1997lstm`."
    )
    refs = colab.book_url() + "references.html"
    assert nb.cells[2].source == (
        f"as shown ([Bengio et al., 1994]({refs})), ([Werbos, 1990]({refs}); [Hochreiter and Schmidhuber, 1997]({refs})) "
        f"and by [Hochreiter and Schmidhuber (1997)]({refs})."
    )
    with pytest.raises(ValueError, match="not in references.bib"):
        converted("{cite:p}`nobody2099`")


def test_an_admonition_becomes_a_block_quote_with_a_bold_title():
    nb = converted(":::{admonition} Common pitfalls\n:class: warning\n- Fit the scaler on the training part.\n\n  More.\n:::\nAfter.")
    assert nb.cells[2].source == "> **Common pitfalls**\n>\n> - Fit the scaler on the training part.\n>\n>   More.\nAfter."


def test_relative_links_become_colab_and_book_links():
    nb = converted("[chapter 3](03_vanishing_exploding.ipynb), [exercise 1](../exercises/01_rnn_basics.ipynb), [notation](../notation.md#symbols), [web](https://example.org), [here](#top)")
    assert nb.cells[2].source == (
        f"[chapter 3]({nbtools.colab_url('chapters/03_vanishing_exploding.ipynb')}), "
        f"[exercise 1]({nbtools.colab_url('exercises/01_rnn_basics.ipynb')}), "
        f"[notation]({colab.book_url()}notation.html#symbols), [web](https://example.org), [here](#top)"
    )
    with pytest.raises(ValueError, match="does not exist"):
        converted("[gone](07_nothing.ipynb)")


def test_the_setup_cell_installs_helpers_from_the_editions_commit_and_metadata_survives():
    nb = notebook("text", metadata={"rnn_book": {"exercise": "99_test", "extras": ["timeseries"]}})
    nb.cells[2].metadata["rnn_book"] = {"question": "99.q1"}
    edition = colab.convert(nb, "chapters/99_test.ipynb", VALUES, REF)
    assert edition.cells[1].source == nbtools.setup_source(["timeseries"], ref=REF)
    assert f'REF = "{REF}"' in edition.cells[1].source
    assert [c.id for c in edition.cells] == [c.id for c in nb.cells]
    assert edition.cells[2].metadata == {"rnn_book": {"question": "99.q1"}}
    assert edition.metadata["rnn_book"]["exercise"] == "99_test"
    assert "the book's build" in edition.cells[0].source and nbtools.colab_url("chapters/99_test.ipynb") in edition.cells[0].source


@pytest.mark.parametrize(
    "markdown",
    [
        "see {numref}`fig-x`",
        "{term}`hidden state`",
        "```{figure} x.png\n```",
        ":::{note}\ntext\n:::",
        "(my-label)=\n# Heading",
        "% a MyST comment",
        "![a plot](plot.png)",
        "{doc}`../notation`",
    ],
)
def test_anything_else_myst_is_refused(markdown):
    with pytest.raises(ValueError, match="cannot convert|does not exist"):
        converted(markdown)


def test_plain_markdown_passes_unchanged():
    text = "Plain *text* with $h_t = \\tanh(a_t)$, a table\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n$$\nx^2\n$$\n\n```python\nx = 1\n```"
    assert converted(text).cells[2].source == text
    assert colab.myst_leftovers(text) == []
