"""Recurrent cells written from scratch in NumPy, step by step, to check against Keras.

Each class copies the weights of a trained or freshly built Keras layer with ``from_keras`` and,
called on a float array ``(batch, time, features)``, returns every hidden state
``(batch, time, units)``. They exist to be read: one loop over time, one line per equation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from course_lib._args import choice, flag

_ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "linear": lambda z: z,
}


def activation_fn(name: str) -> Callable[[np.ndarray], np.ndarray]:
    """Return the NumPy function for an activation name (tanh, relu, sigmoid, linear).

    Raises:
        ValueError: for any other name.
    """
    choice(name, "activation", sorted(_ACTIVATIONS))
    return _ACTIVATIONS[name]


def _keras_activation_name(fn: object) -> str:
    name = getattr(fn, "__name__", str(fn))
    return "linear" if name in ("linear", "None") else name


def _check_sequence_input(x: np.ndarray, features: int, cls: str) -> np.ndarray:
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(
            f"{cls} expects inputs of shape (batch, time, features); got shape {x.shape}."
        )
    if x.shape[-1] != features:
        raise ValueError(
            f"{cls} was built for {features} input features; the inputs have {x.shape[-1]}."
        )
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"{cls} expects a float array; got dtype {x.dtype}.")
    return x.astype(np.float64)


def _built_layer(layer: Any, expected: str) -> Any:
    import keras

    layer_cls = getattr(keras.layers, expected)
    if not isinstance(layer, layer_cls):
        raise ValueError(
            f"from_keras expects a keras.layers.{expected}; got {type(layer).__name__}."
        )
    if not layer.built:
        raise ValueError(
            f"the {expected} layer {layer.name!r} has no weights yet; call it on an input "
            "(or build the model) before copying its weights."
        )
    return layer


def _standard_gated_cell(layer: Any, expected: str) -> Any:
    """The cell of a built Keras LSTM/GRU layer, checked to use tanh and sigmoid.

    Those are the activations of the standard cell that ``LSTMScratch`` and ``GRUScratch``
    implement.
    """
    cell = _built_layer(layer, expected).cell
    acts = (
        _keras_activation_name(cell.activation),
        _keras_activation_name(cell.recurrent_activation),
    )
    if acts != ("tanh", "sigmoid"):
        raise ValueError(
            f"{expected}Scratch implements activation='tanh', recurrent_activation='sigmoid'; "
            f"the layer uses {acts}."
        )
    return cell


def _checked_weights(
    kernel: np.ndarray, recurrent_kernel: np.ndarray, gates: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """Both weight matrices as float64, checked against each other, and the number of units.

    ``gates`` is how many blocks of ``units`` columns the cell packs side by side: 1 for the
    simple RNN, 4 for the LSTM (i, f, g, o), 3 for the GRU (z, r, h).
    """
    kernel = np.asarray(kernel, dtype=np.float64)
    recurrent_kernel = np.asarray(recurrent_kernel, dtype=np.float64)
    columns = "units" if gates == 1 else f"{gates} * units"
    if kernel.ndim != 2 or kernel.shape[1] % gates or kernel.shape[1] == 0:
        raise ValueError(f"kernel must have shape (features, {columns}); got {kernel.shape}.")
    units = kernel.shape[1] // gates
    if recurrent_kernel.shape != (units, gates * units):
        raise ValueError(
            f"recurrent_kernel must have shape ({units}, {gates * units}) to match the kernel; "
            f"got {recurrent_kernel.shape}."
        )
    return kernel, recurrent_kernel, units


def _checked_bias(bias: np.ndarray | None, shape: tuple[int, ...], when: str = "") -> np.ndarray:
    """The bias as float64 (zeros when None), checked to have ``shape``."""
    bias = np.zeros(shape) if bias is None else np.asarray(bias, dtype=np.float64)
    if bias.shape != shape:
        raise ValueError(f"bias must have shape {shape}{when}; got {bias.shape}.")
    return bias


class SimpleRNNScratch:
    """The Elman recurrence ``h_t = g(x_t W_x + h_{t-1} W_h + b)``, one step at a time.

    Weights follow Keras' layout, so ``from_keras`` copies them without reshaping.

    Args:
        kernel: input weights ``W_x``, shape ``(features, units)``.
        recurrent_kernel: recurrent weights ``W_h``, shape ``(units, units)``.
        bias: bias ``b``, shape ``(units,)``; zeros when None.
        activation: ``"tanh"`` (Keras' default), ``"relu"``, ``"sigmoid"`` or ``"linear"``.
    """

    def __init__(
        self,
        kernel: np.ndarray,
        recurrent_kernel: np.ndarray,
        bias: np.ndarray | None = None,
        activation: str = "tanh",
    ) -> None:
        kernel, recurrent_kernel, units = _checked_weights(kernel, recurrent_kernel, gates=1)
        self.use_bias = bias is not None
        self.kernel = kernel
        self.recurrent_kernel = recurrent_kernel
        self.bias = _checked_bias(bias, (units,))
        self.activation = activation
        self._g = activation_fn(activation)

    @property
    def units(self) -> int:
        """Number of hidden units."""
        return self.kernel.shape[1]

    @property
    def features(self) -> int:
        """Number of input features per time step."""
        return self.kernel.shape[0]

    @classmethod
    def from_keras(cls, layer: Any) -> SimpleRNNScratch:
        """Copy the weights and activation of a built ``keras.layers.SimpleRNN``.

        Raises:
            ValueError: if ``layer`` is not a built SimpleRNN.
        """
        layer = _built_layer(layer, "SimpleRNN")
        cell = layer.cell
        bias = np.asarray(cell.bias) if cell.use_bias else None
        return cls(
            np.asarray(cell.kernel),
            np.asarray(cell.recurrent_kernel),
            bias,
            activation=_keras_activation_name(cell.activation),
        )

    def step(self, x_t: np.ndarray, h_prev: np.ndarray) -> np.ndarray:
        """One time step: ``(batch, features)``, ``(batch, units)`` -> ``(batch, units)``."""
        return self._g(x_t @ self.kernel + h_prev @ self.recurrent_kernel + self.bias)

    def __call__(self, x: np.ndarray, initial_state: np.ndarray | None = None) -> np.ndarray:
        """Run the recurrence over a batch of sequences.

        Args:
            x: inputs, shape ``(batch, time, features)``.
            initial_state: ``h_0``, shape ``(batch, units)``; zeros when None (Keras' default:
                every sequence starts from a blank memory).

        Returns:
            Every hidden state, shape ``(batch, time, units)``; the last one is ``[:, -1]``.
        """
        x = _check_sequence_input(x, self.features, type(self).__name__)
        batch, steps, _ = x.shape
        h = _initial_state(initial_state, batch, self.units)
        states = np.empty((batch, steps, self.units))
        for t in range(steps):
            h = self.step(x[:, t], h)
            states[:, t] = h
        return states

    def count_params(self) -> int:
        """Number of weights as Keras counts them: ``units * (features + units + 1)``."""
        return self.kernel.size + self.recurrent_kernel.size + (self.units if self.use_bias else 0)


@dataclass(frozen=True)
class LSTMTrace:
    """Every intermediate value of an LSTM run, each of shape ``(batch, time, units)``.

    Attributes:
        i: input gate, how much of the candidate is written.
        f: forget gate, how much of the old cell state is kept.
        g: candidate cell values (tanh).
        o: output gate, how much of the cell is shown as the hidden state.
        c: cell state after each step.
        h: hidden state after each step (what the layer outputs).
    """

    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray
    h: np.ndarray


class LSTMScratch:
    """The LSTM cell, one step at a time, in Keras' weight layout and gate order (i, f, g, o).

    At each step, with ``z = x_t W + h_{t-1} U + b`` split into four blocks of ``units``::

        i = sigmoid(z_i)   f = sigmoid(z_f)   g = tanh(z_g)   o = sigmoid(z_o)
        c_t = f * c_{t-1} + i * g            h_t = o * tanh(c_t)

    Args:
        kernel: input weights, shape ``(features, 4 * units)``.
        recurrent_kernel: recurrent weights, shape ``(units, 4 * units)``.
        bias: shape ``(4 * units,)``; zeros when None.
    """

    def __init__(
        self, kernel: np.ndarray, recurrent_kernel: np.ndarray, bias: np.ndarray | None = None
    ) -> None:
        kernel, recurrent_kernel, units = _checked_weights(kernel, recurrent_kernel, gates=4)
        self.use_bias = bias is not None
        bias = _checked_bias(bias, (4 * units,))
        self.kernel, self.recurrent_kernel, self.bias = kernel, recurrent_kernel, bias

    @property
    def units(self) -> int:
        """Number of hidden units (the size of h and of c)."""
        return self.kernel.shape[1] // 4

    @property
    def features(self) -> int:
        """Number of input features per time step."""
        return self.kernel.shape[0]

    @classmethod
    def from_keras(cls, layer: Any) -> LSTMScratch:
        """Copy the weights of a built ``keras.layers.LSTM`` with the default activations.

        Raises:
            ValueError: if ``layer`` is not a built LSTM, or uses activations other than tanh
                and sigmoid (this class implements the standard cell only).
        """
        cell = _standard_gated_cell(layer, "LSTM")
        bias = np.asarray(cell.bias) if cell.use_bias else None
        return cls(np.asarray(cell.kernel), np.asarray(cell.recurrent_kernel), bias)

    def step(
        self, x_t: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray
    ) -> tuple[np.ndarray, ...]:
        """One time step. Returns ``(i, f, g, o, c, h)``, each ``(batch, units)``."""
        sigmoid = _ACTIVATIONS["sigmoid"]
        z = x_t @ self.kernel + h_prev @ self.recurrent_kernel + self.bias
        z_i, z_f, z_g, z_o = np.split(z, 4, axis=-1)
        i, f, g, o = sigmoid(z_i), sigmoid(z_f), np.tanh(z_g), sigmoid(z_o)
        c = f * c_prev + i * g  # the additive update: old memory kept, new memory added
        h = o * np.tanh(c)
        return i, f, g, o, c, h

    def trace(
        self, x: np.ndarray, initial_state: tuple[np.ndarray, np.ndarray] | None = None
    ) -> LSTMTrace:
        """Run over a batch of sequences and keep every gate, cell and hidden state.

        Args:
            x: inputs, shape ``(batch, time, features)``.
            initial_state: ``(h_0, c_0)``, each ``(batch, units)``; zeros when None.

        Returns:
            An ``LSTMTrace`` whose arrays are ``(batch, time, units)``.
        """
        x = _check_sequence_input(x, self.features, type(self).__name__)
        batch, steps, _ = x.shape
        if initial_state is None:
            h, c = np.zeros((batch, self.units)), np.zeros((batch, self.units))
        else:
            if len(initial_state) != 2:
                raise ValueError("initial_state must be a pair (h_0, c_0).")
            h, c = (_state(s, batch, self.units) for s in initial_state)
        out = {k: np.empty((batch, steps, self.units)) for k in "ifgoch"}
        for t in range(steps):
            values = self.step(x[:, t], h, c)
            for key, value in zip("ifgoch", values):
                out[key][:, t] = value
            c, h = values[4], values[5]
        return LSTMTrace(**out)

    def __call__(
        self, x: np.ndarray, initial_state: tuple[np.ndarray, np.ndarray] | None = None
    ) -> np.ndarray:
        """Inputs ``(batch, time, features)`` -> every hidden state ``(batch, time, units)``."""
        return self.trace(x, initial_state).h

    def count_params(self) -> int:
        """Number of weights as Keras counts them: ``4 * units * (features + units + 1)``."""
        return (
            self.kernel.size + self.recurrent_kernel.size + (4 * self.units if self.use_bias else 0)
        )


def _initial_state(initial_state: np.ndarray | None, batch: int, units: int) -> np.ndarray:
    """``h_0``: zeros when None (Keras' default: a blank memory), else the checked state."""
    if initial_state is None:
        return np.zeros((batch, units))
    return _state(initial_state, batch, units)


def _state(value: np.ndarray, batch: int, units: int) -> np.ndarray:
    value = np.asarray(value, dtype=np.float64)
    if value.shape != (batch, units):
        raise ValueError(
            f"each initial state must have shape (batch, units) = ({batch}, {units}); "
            f"got {value.shape}."
        )
    return value


@dataclass(frozen=True)
class GRUTrace:
    """Every intermediate value of a GRU run, each of shape ``(batch, time, units)``.

    Attributes:
        z: update gate, how much of the previous state is *kept* (Keras' convention:
            ``h_t = z * h_{t-1} + (1 - z) * candidate``).
        r: reset gate, how much of the previous state the candidate may read.
        candidate: the proposed new state (tanh), often written ``h~_t``.
        h: hidden state after each step (what the layer outputs).
    """

    z: np.ndarray
    r: np.ndarray
    candidate: np.ndarray
    h: np.ndarray


class GRUScratch:
    """The GRU cell, one step at a time, in Keras' weight layout and gate order (z, r, h).

    With ``x_t W`` and ``h_{t-1} U`` split into three blocks of ``units`` columns (z, r, h)::

        z = sigmoid(x W_z + b_z + h U_z + b'_z)     r = sigmoid(x W_r + b_r + h U_r + b'_r)
        reset_after=True  (Keras' default, cuDNN):  g = tanh(x W_h + b_h + r * (h U_h + b'_h))
        reset_after=False (Cho et al., 2014):       g = tanh(x W_h + b_h + (r * h) U_h)
        h_t = z * h_{t-1} + (1 - z) * g             (g is the candidate state)

    ``b`` is the input bias and ``b'`` the recurrent bias; only ``reset_after=True`` has the
    second one.

    Args:
        kernel: input weights, shape ``(features, 3 * units)``.
        recurrent_kernel: recurrent weights, shape ``(units, 3 * units)``.
        bias: shape ``(2, 3 * units)`` (rows: input bias, recurrent bias) when ``reset_after``,
            else ``(3 * units,)``; zeros when None.
        reset_after: apply the reset gate after the recurrent matrix product (True, Keras'
            default) or to the previous state before it (False).
    """

    def __init__(
        self,
        kernel: np.ndarray,
        recurrent_kernel: np.ndarray,
        bias: np.ndarray | None = None,
        reset_after: bool = True,
    ) -> None:
        reset_after = flag(reset_after, "reset_after")
        kernel, recurrent_kernel, units = _checked_weights(kernel, recurrent_kernel, gates=3)
        bias_shape = (2, 3 * units) if reset_after else (3 * units,)
        self.use_bias = bias is not None
        bias = _checked_bias(bias, bias_shape, when=f" when reset_after={reset_after}")
        self.kernel, self.recurrent_kernel, self.bias = kernel, recurrent_kernel, bias
        self.reset_after = bool(reset_after)

    @property
    def units(self) -> int:
        """Number of hidden units (the size of h)."""
        return self.kernel.shape[1] // 3

    @property
    def features(self) -> int:
        """Number of input features per time step."""
        return self.kernel.shape[0]

    @classmethod
    def from_keras(cls, layer: Any) -> GRUScratch:
        """Copy the weights and ``reset_after`` setting of a built ``keras.layers.GRU``.

        Raises:
            ValueError: if ``layer`` is not a built GRU, or uses activations other than tanh
                and sigmoid (this class implements the standard cell only).
        """
        cell = _standard_gated_cell(layer, "GRU")
        bias = np.asarray(cell.bias) if cell.use_bias else None
        return cls(
            np.asarray(cell.kernel),
            np.asarray(cell.recurrent_kernel),
            bias,
            reset_after=bool(cell.reset_after),
        )

    def step(self, x_t: np.ndarray, h_prev: np.ndarray) -> tuple[np.ndarray, ...]:
        """One time step: ``(batch, features)``, ``(batch, units)`` -> ``(z, r, candidate, h)``.

        Each of the four results has shape ``(batch, units)``.
        """
        sigmoid = _ACTIVATIONS["sigmoid"]
        n = self.units
        input_bias = self.bias[0] if self.reset_after else self.bias
        x_z, x_r, x_h = np.split(x_t @ self.kernel + input_bias, 3, axis=-1)
        if self.reset_after:
            h_z, h_r, h_h = np.split(h_prev @ self.recurrent_kernel + self.bias[1], 3, axis=-1)
        else:
            h_z, h_r = np.split(h_prev @ self.recurrent_kernel[:, : 2 * n], 2, axis=-1)
        z = sigmoid(x_z + h_z)
        r = sigmoid(x_r + h_r)
        if self.reset_after:  # reset the recurrent contribution after the matrix product
            candidate = np.tanh(x_h + r * h_h)
        else:  # reset the previous state, then multiply (the original GRU)
            candidate = np.tanh(x_h + (r * h_prev) @ self.recurrent_kernel[:, 2 * n :])
        h = z * h_prev + (1.0 - z) * candidate  # z keeps the old state, 1 - z lets the new in
        return z, r, candidate, h

    def trace(self, x: np.ndarray, initial_state: np.ndarray | None = None) -> GRUTrace:
        """Run over a batch of sequences and keep every gate, candidate and hidden state.

        Args:
            x: inputs, shape ``(batch, time, features)``.
            initial_state: ``h_0``, shape ``(batch, units)``; zeros when None.

        Returns:
            A ``GRUTrace`` whose arrays are ``(batch, time, units)``.
        """
        x = _check_sequence_input(x, self.features, type(self).__name__)
        batch, steps, _ = x.shape
        h = _initial_state(initial_state, batch, self.units)
        names = ("z", "r", "candidate", "h")
        out = {k: np.empty((batch, steps, self.units)) for k in names}
        for t in range(steps):
            values = self.step(x[:, t], h)
            for key, value in zip(names, values, strict=True):
                out[key][:, t] = value
            h = values[-1]
        return GRUTrace(**out)

    def __call__(self, x: np.ndarray, initial_state: np.ndarray | None = None) -> np.ndarray:
        """Inputs ``(batch, time, features)`` -> every hidden state ``(batch, time, units)``.

        Args:
            x: inputs, shape ``(batch, time, features)``.
            initial_state: ``h_0``, shape ``(batch, units)``; zeros when None.
        """
        return self.trace(x, initial_state).h

    def count_params(self) -> int:
        """Number of weights as Keras counts them.

        That is ``3 * units * (features + units + 2)`` with ``reset_after=True`` (two bias
        vectors) and ``3 * units * (features + units + 1)`` without.
        """
        return (
            self.kernel.size + self.recurrent_kernel.size + (self.bias.size if self.use_bias else 0)
        )
