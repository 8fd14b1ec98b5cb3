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


def test_unrolled_rnn_labels_the_shared_weights():
    ax = plots.plot_unrolled_rnn(3)
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("$W_h$") == 4 and texts.count("$W_x$") == 4  # folded + 3 steps
    assert "$h_{3}$" in texts
    with pytest.raises(ValueError, match="steps"):
        plots.plot_unrolled_rnn(0)


def test_gradient_norms_plot_handles_underflow():
    ax = plots.plot_gradient_norms({"a": np.array([1.0, 1e-3, 0.0])})
    y = ax.lines[0].get_ydata()
    assert ax.get_yscale() == "log" and np.isnan(y[2]) and y[1] == 1e-3


def test_sequence_shapes_figure_has_five_shapes():
    ax = plots.plot_sequence_shapes()
    texts = [t.get_text() for t in ax.texts]
    for name in ("one-to-one", "one-to-many", "many-to-one", "many-to-many, aligned"):
        assert name in texts
    assert texts.count("x") == 1 + 1 + 3 + 3 + 3 and texts.count("y") == 1 + 3 + 1 + 3 + 3


def test_padded_batch_marks_padding():
    ax = plots.plot_padded_batch(
        np.array([[4, 5, 0], [6, 0, 0]]), ["<pad>", "", "", "", "a", "b", "c"]
    )
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["a", "b", "·", "c", "·", "·"]
    assert plots.plot_padded_batch(np.array([[1, 0]])).texts[0].get_text() == "1"
    with pytest.raises(ValueError, match="batch, time"):
        plots.plot_padded_batch(np.array([1, 2]))
    with pytest.raises(ValueError, match="lie in"):
        plots.plot_padded_batch(np.array([[9]]), ["<pad>", "a"])


def test_char_tags_draw_one_row_per_tagging():
    ax = plots.plot_char_tags("a(b)\n", {"truth": [0, 1, 1, 1, 0], "model": [0, 1, 1, 0, 0]})
    assert len(ax.get_yticklabels()) == 2 and ax.images[0].get_array().shape == (2, 5)
    assert "↵" in [t.get_text() for t in ax.texts]
    with pytest.raises(ValueError, match="model"):
        plots.plot_char_tags("ab", {"model": [0]})


def test_char_tags_wrap_long_text():
    text = "ab(cdefg)h"
    ax = plots.plot_char_tags(text, {"t": parenthesis_like(text)}, width=4)
    assert ax.images[0].get_array().shape == (3 * 2 - 1, 4)  # 3 blocks of 1 row, 2 gaps
    assert len(ax.texts) == len(text) and len(ax.get_yticklabels()) == 3
    with pytest.raises(ValueError, match="width"):
        plots.plot_char_tags(text, {"t": parenthesis_like(text)}, width=0)


def parenthesis_like(text):
    return np.array([1 if 2 <= i <= 8 else 0 for i in range(len(text))])


def _gradient_arrows(ax, gid):
    return [p for p in ax.patches if p.get_gid() == gid]


def test_bptt_figure_sends_gradients_back_and_stops_them_at_cuts():
    full = plots.plot_bptt(5)
    # one arrow from each loss term into its state, one back across each of the 4 links
    assert len(_gradient_arrows(full, "gradient")) == 5 + 4
    assert len(_gradient_arrows(full, "contribution")) == 5  # every step adds to dL/dW_h
    assert not [t for t in full.texts if t.get_text() == "cut"]
    truncated = plots.plot_bptt(5, truncate=2)
    # cuts before steps 3 and 5: two links carry no gradient, the state still goes forward
    assert len(_gradient_arrows(truncated, "gradient")) == 5 + 2
    assert len([t for t in truncated.texts if t.get_text() == "cut"]) == 2
    assert "truncated" in truncated.get_title()
    assert len(_gradient_arrows(plots.plot_bptt(4, truncate=4), "gradient")) == 4 + 3
    with pytest.raises(ValueError, match="truncate"):
        plots.plot_bptt(4, truncate=5)
    with pytest.raises(ValueError, match="steps"):
        plots.plot_bptt(1)


def test_masking_copies_the_state_over_padding_only_with_a_mask():
    ax = plots.plot_masking(("a", "b"), pads=3)
    carried = _gradient_arrows(ax, "carried")
    updated = _gradient_arrows(ax, "updated")
    assert len(carried) == 3 and len(updated) == 4 + 1  # unmasked: 4 links; masked: a->b only
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("$h_{2}$") == 1 + 4  # h_2 in the unmasked row; h_2 and three copies
    with pytest.raises(ValueError, match="pads"):
        plots.plot_masking(("a",), pads=0)
    with pytest.raises(ValueError, match="tokens"):
        plots.plot_masking((), pads=2)


def test_generator_feeds_each_output_back():
    ax = plots.plot_generator_feedback(("a", "b", "c"), condition="X")
    assert len(_gradient_arrows(ax, "feedback")) == 3  # a, b, c each become the next input
    texts = [t.get_text() for t in ax.texts]
    assert "<start>" in texts and "<end>" in texts and "X" in texts
    with pytest.raises(ValueError, match="tokens"):
        plots.plot_generator_feedback(())


def test_handover_links_the_encoders_last_state_to_the_decoder():
    ax = plots.plot_handover(("1", "2"), ("one", "two", "three"))
    assert len(_gradient_arrows(ax, "handover")) == 1
    assert len(_gradient_arrows(ax, "encoder")) == 1 and len(_gradient_arrows(ax, "decoder")) == 3
    with pytest.raises(ValueError, match="target"):
        plots.plot_handover(("1",), ())
