"""The figures the chapters share. Each function draws on `ax` (or a new figure) and
returns the axes. One module per subject; everything is re-exported here, so
`plots.history(...)` works whatever module a figure lives in.

- `style`: the book's plot style and palette (applied by `helpers.notebook.setup()`).
- `sequences`: the unrolled graph, training curves, forecasts.
- `gradients`: the backward pass, gradient norms by distance, loss by sequence length.
- `classification`: a confusion matrix, and one sequence drawn feature by feature.
- `seq2seq`: attention heatmaps, and scores by input length.
"""

from helpers.plots.classification import confusion_matrix, sequence_features
from helpers.plots.gradients import bptt_flow, gradient_norms, loss_by_length
from helpers.plots.seq2seq import attention_heatmaps, score_by_group
from helpers.plots.sequences import forecast, history, unrolled_rnn
from helpers.plots.style import PALETTE

__all__ = [
    "PALETTE",
    "attention_heatmaps",
    "bptt_flow",
    "confusion_matrix",
    "forecast",
    "gradient_norms",
    "history",
    "loss_by_length",
    "score_by_group",
    "sequence_features",
    "unrolled_rnn",
]
