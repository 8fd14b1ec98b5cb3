"""Encoder-decoder and beam diagrams, attention heatmaps and accuracy-by-length curves."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_lib import plots  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_plot_attention_labels_rows_and_columns():
    w = np.full((3, 4), 0.25)
    ax = plots.plot_attention(w, list("word"), ["W", "ER1", "<end>"], title="t")
    assert [t.get_text() for t in ax.get_xticklabels()] == list("word")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["W", "ER1", "<end>"]
    np.testing.assert_allclose(ax.images[0].get_array(), w)
    with pytest.raises(ValueError, match="shape"):
        plots.plot_attention(w, list("wor"), ["W", "ER1", "<end>"])


def test_plot_accuracy_by_length_one_line_per_model():
    ax = plots.plot_accuracy_by_length(
        [2, 4, 6, 8], {"a": [1, 1, 0, 0], "b": [1, 1, 1, 1]}, [0, 5, 10]
    )
    assert len(ax.lines) == 2
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1.0, 0.0])


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_encoder_decoder_diagram_draws_every_token():
    ax = plots.plot_encoder_decoder(list("abc"), ["X", "Y"])
    texts = _texts(ax)
    for token in ["a", "b", "c", "X", "Y", "<end>", "<start>"]:
        assert token in texts
    assert "$c = s_0$" in texts and not any(t.startswith("$c_") for t in texts)
    assert ax.get_title().startswith("without attention")
    lines_without = len(ax.lines)
    weights = np.array([[0.8, 0.1, 0.1], [0.1, 0.1, 0.8], [0.2, 0.3, 0.5]])
    ax = plots.plot_encoder_decoder(
        list("abc"), ["X", "Y"], attention=True, weights=weights, step=1
    )
    assert "$c_{2}$" in _texts(ax)
    attention_lines = ax.lines[lines_without:]
    assert len(attention_lines) == 3  # one line from each encoder state to c_2
    widths = [line.get_linewidth() for line in attention_lines]
    assert widths[2] == max(widths) and widths[0] == min(widths)  # row 1 weights: 0.1, 0.1, 0.8


def test_encoder_decoder_diagram_bad_arguments():
    with pytest.raises(ValueError, match="source_tokens"):
        plots.plot_encoder_decoder([], ["X"])
    with pytest.raises(ValueError, match="output_tokens"):
        plots.plot_encoder_decoder(["a"], list("abcdefghijkl"))
    with pytest.raises(ValueError, match="weights"):
        plots.plot_encoder_decoder(["a", "b"], ["X"], attention=True, weights=np.ones((2, 3)))
    with pytest.raises(ValueError, match="step"):
        plots.plot_encoder_decoder(["a"], ["X"], attention=True, step=2)


def _toy_trace():
    from course_lib import decoding

    toy = decoding.PrefixTreeModel(
        {
            (): {"A": 0.4, "B": 0.6},
            ("A",): {"<end>": 0.9},
            ("B",): {"C": 0.7, "<end>": 0.1},
            ("B", "C"): {"D": 0.7, "<end>": 0.2},
            ("B", "C", "D"): {"<end>": 0.9},
        }
    )
    trace = []
    decoding.beam_search(
        toy.step_fn, toy.initial_state(), toy.start_token, toy.end_token, 6, 3, trace=trace
    )
    return toy, trace


def test_beam_tree_draws_each_sequence_once_and_both_answers():
    toy, trace = _toy_trace()
    ax = plots.plot_beam_tree(trace, toy.tokens, length_penalty=1.0, title="toy")
    nodes = [t for t in _texts(ax) if "\n" in t]
    # step 1: A, B; step 2: B C, A <end>, B <end>; step 3: B C D, B C <end>; step 4: B C D <end>
    assert sorted(n.split("\n")[0] for n in nodes) == sorted(
        ["A", "B", "C", "<end>", "<end>", "D", "<end>", "<end>"]
    )
    assert "<start>" in _texts(ax) and ax.get_title() == "toy"
    red, blue = (line for line in ax.lines if line.get_color() in ("tab:red", "tab:blue"))
    assert len(red.get_xdata()) == 3  # <start> -> A -> <end>
    assert len(blue.get_xdata()) == 5  # <start> -> B -> C -> D -> <end>
    assert len(ax.get_legend().get_texts()) == 2


def test_beam_tree_bad_arguments():
    toy, trace = _toy_trace()
    with pytest.raises(ValueError, match="trace"):
        plots.plot_beam_tree([], toy.tokens)
    with pytest.raises(ValueError, match="trace"):
        plots.plot_beam_tree([{"scores": np.zeros((1, 2))}], toy.tokens)
    with pytest.raises(ValueError, match="item"):
        plots.plot_beam_tree(trace, toy.tokens, item=1)
    with pytest.raises(ValueError, match="length_penalty"):
        plots.plot_beam_tree(trace, toy.tokens, length_penalty=-1)
