"""The figures the chapters share. Each function draws on `ax` (or a new figure) and
returns the axes. One module per subject; everything is re-exported here, so
`plots.history(...)` works whatever module a figure lives in.

- `style`: the book's plot style and palette (applied by `helpers.notebook.setup()`).
- `sequences`: the unrolled graph, training curves, forecasts.
- `gradients`: the backward pass, gradient norms by distance, loss by sequence length.
- `gated`: test error by epoch, gate activations over time, lines told apart by style.
- `architectures`: the bidirectional graph, per-step curves, labelled points.
- `forecasting`: series with their splits, error by horizon, prediction intervals, anomalies.
- `language`: what sampling temperature does; the loss along a chunk of text.
- `music`: piano rolls, and chorales made audible (a waveform synthesised with NumPy).
- `classification`: a confusion matrix, and one sequence drawn feature by feature.
- `seq2seq`: attention heatmaps, and scores by input length.
"""

from helpers.plots.architectures import bidirectional_rnn, by_step, labelled_points
from helpers.plots.classification import confusion_matrix, sequence_features
from helpers.plots.forecasting import anomalies, error_by_horizon, prediction_interval, series_with_splits
from helpers.plots.gated import distinguish_lines, gate_heatmaps, mse_by_epoch
from helpers.plots.gradients import bptt_flow, gradient_norms, loss_by_length
from helpers.plots.language import loss_by_position, temperature_tradeoff
from helpers.plots.music import piano_roll, synthesize
from helpers.plots.seq2seq import attention_heatmaps, score_by_group
from helpers.plots.sequences import forecast, history, unrolled_rnn
from helpers.plots.style import PALETTE

__all__ = [
    "PALETTE",
    "anomalies",
    "attention_heatmaps",
    "bidirectional_rnn",
    "bptt_flow",
    "by_step",
    "confusion_matrix",
    "distinguish_lines",
    "error_by_horizon",
    "forecast",
    "gate_heatmaps",
    "gradient_norms",
    "history",
    "labelled_points",
    "loss_by_length",
    "loss_by_position",
    "mse_by_epoch",
    "piano_roll",
    "prediction_interval",
    "score_by_group",
    "sequence_features",
    "series_with_splits",
    "synthesize",
    "temperature_tradeoff",
    "unrolled_rnn",
]
