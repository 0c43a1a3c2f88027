"""The figures the chapters share. Each function draws on `ax` (or a new figure) and
returns the axes. One module per subject; everything is re-exported here, so
`plots.history(...)` works whatever module a figure lives in.

- `style`: the book's plot style and palette (applied by `helpers.notebook.setup()`).
- `sequences`: the unrolled graph, training curves, forecasts.
- `gradients`: the backward pass, gradient norms by distance, loss by sequence length.
- `language`: what sampling temperature does; the loss along a chunk of text.
- `music`: piano rolls, and chorales made audible (a waveform synthesised with NumPy).
"""

from helpers.plots.gradients import bptt_flow, gradient_norms, loss_by_length
from helpers.plots.language import loss_by_position, temperature_tradeoff
from helpers.plots.music import piano_roll, synthesize
from helpers.plots.sequences import forecast, history, unrolled_rnn
from helpers.plots.style import PALETTE

__all__ = [
    "PALETTE",
    "bptt_flow",
    "forecast",
    "gradient_norms",
    "history",
    "loss_by_length",
    "loss_by_position",
    "piano_roll",
    "synthesize",
    "temperature_tradeoff",
    "unrolled_rnn",
]
