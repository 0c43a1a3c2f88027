"""Tests of the helpers that chapter 8 (language models) added: python_docs_text and its figures."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from helpers import data, plots


def test_python_docs_text_is_the_help_topics_in_key_order():
    from pydoc_data.topics import topics

    text = data.python_docs_text()
    assert len(text) > 300_000 and text.startswith(topics[sorted(topics)[0]])
    assert text == "\n".join(topics[k] for k in sorted(topics))


def test_temperature_tradeoff_draws_one_panel_per_quantity_with_its_reference():
    temperatures = [0.5, 1.0, 1.5]
    panels = plots.temperature_tradeoff(temperatures, {"new": [0.1, 0.5, 0.9], "judge": [2.0, 2.4, 2.8]},
                                        references={"judge": (2.3, "held out")}, title="t")
    assert len(panels) == 2
    np.testing.assert_array_equal(panels[0].get_lines()[0].get_ydata(), [0.1, 0.5, 0.9])
    assert [line.get_label() for line in panels[1].get_lines()] == ["generated", "held out"]
    assert all(ax.get_xlabel() == "temperature" for ax in panels)
    plt.close(panels[0].figure)


def test_loss_by_position_draws_each_curve_with_its_own_style():
    curves = {"carried": np.full(8, 1.5), "reset": np.linspace(3, 1.5, 8)}
    ax = plots.loss_by_position(curves, title="t")
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == list(curves)
    assert lines[0].get_linestyle() != lines[1].get_linestyle() and lines[0].get_marker() != lines[1].get_marker()
    plt.close(ax.figure)
