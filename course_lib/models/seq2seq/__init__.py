"""Encoder-decoders with and without attention (notebook 08; 08b reuses its models).

One training model, several views of the same layers, in four modules whose public names are
all available here (and as ``course_lib.models.<name>``):

- ``builders``: ``build_seq2seq_model``, the **training** model. A bidirectional encoder reads the
  source; its final forward and backward states, concatenated, start the decoder; the decoder
  reads the target shifted right (teacher forcing) and predicts the next token at every step.
  With attention, each decoder output also looks at every encoder output (``course_lib.layers``),
  and ``[decoder output, context]`` goes through a ``tanh`` layer (Luong et al.'s "attentional
  hidden state") before the output layer. Without attention the decoder sees the source only
  through its initial state (the fixed-length bottleneck), and the same ``tanh`` layer reads the
  decoder output alone, so the two differ only in attention. Also ``build_encoder_classifier_model``
  (the same encoder with a classification head) and ``teacher_forcing_arrays``.
- ``inference``: ``Seq2SeqInference(model)``, built from a trained model's layers
  (``handles.seq2seq_handles``, which also works on a loaded model): an encoder model, a one-step
  decoder model, a teacher-forced attention-weights model, and ``step_fn`` / ``initial_state``
  for ``decoding.greedy_search`` / ``decoding.beam_search``. Several of them decode together as a
  ``decoding.Seq2SeqEnsemble``.
- ``training``: ``train_seq2seq`` builds, compiles and fits a training model in one call;
  ``train_seq2seq_from_config`` calls it with a notebook's settings, saves the model for reuse,
  and loads it instead when an earlier run saved it (notebook 08b reuses 08's models).
- ``measures``: ``teacher_forced_accuracy`` and ``target_log_probs`` measure a model with the
  true prefixes.

Layer names (constants of ``course_lib.handles``): ``source_embedding``, ``encoder`` (a
``Bidirectional`` wrapper, the top one when the encoder is stacked; the ones below it are
``encoder_1``, ``encoder_2``, ...), ``bridge_<i>``, ``target_embedding``, ``decoder``,
``attention`` (with attention only), ``attentional``, ``logits``. Ids: 0 is padding
(masked); the start and end ids are the caller's (e.g. ``TokenVocabulary.START`` / ``END``).
"""

from course_lib.models.seq2seq.builders import (
    ATTENTION_TYPES,
    build_encoder_classifier_model,
    build_seq2seq_model,
    pooling_weights,
    teacher_forcing_arrays,
)
from course_lib.models.seq2seq.inference import Seq2SeqInference
from course_lib.models.seq2seq.measures import target_log_probs, teacher_forced_accuracy
from course_lib.models.seq2seq.training import train_seq2seq, train_seq2seq_from_config

__all__ = [
    "ATTENTION_TYPES",
    "build_seq2seq_model",
    "Seq2SeqInference",
    "build_encoder_classifier_model",
    "pooling_weights",
    "teacher_forcing_arrays",
    "train_seq2seq",
    "train_seq2seq_from_config",
    "teacher_forced_accuracy",
    "target_log_probs",
]
