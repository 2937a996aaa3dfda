"""The Name generator's figure: the row of P one draw was made from, the drawn character marked."""

import plotly.graph_objects as go

from bigram_core import Vocabulary
from bigram_core.sampling import Step
from ui.format import plotly_text

from . import COLORS, next_char_bars

CURRENT_STEP = "background-color: rgba(214, 39, 40, 0.15)"  # a table cell in the mark colour, faint


def draw_bars(step: Step, j: int, vocab: Vocabulary) -> go.Figure:
    """Step j of a name: P (V,) after its context, the character it drew in the mark colour."""
    title = f"Step {j}: after '{plotly_text(step.context)}' it drew '{plotly_text(step.char)}', P = {step.prob:.4f}"
    fig = next_char_bars(step.probs, vocab, title)
    fig.update_traces(marker_color=[COLORS["mark"] if ch == step.char else COLORS["bar"] for ch in vocab.itos])
    if len(vocab) <= 40:  # label every character when they fit
        fig.update_xaxes(dtick=1)
    return fig
