"""Recurrent cells written from scratch in NumPy, step by step, to check against Keras.

Each class copies the weights of a trained or freshly built Keras layer with ``from_keras`` and,
called on a float array ``(batch, time, features)``, returns every hidden state
``(batch, time, units)``. They exist to be read: one loop over time, one line per equation.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

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
    if name not in _ACTIVATIONS:
        raise ValueError(
            f"activation={name!r} is not supported; use one of {sorted(_ACTIVATIONS)}."
        )
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


def _built_layer(layer: object, expected: str) -> object:
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
    ):
        kernel = np.asarray(kernel, dtype=np.float64)
        recurrent_kernel = np.asarray(recurrent_kernel, dtype=np.float64)
        if kernel.ndim != 2:
            raise ValueError(f"kernel must have shape (features, units); got {kernel.shape}.")
        units = kernel.shape[1]
        if recurrent_kernel.shape != (units, units):
            raise ValueError(
                f"recurrent_kernel must have shape ({units}, {units}) to match the kernel; "
                f"got {recurrent_kernel.shape}."
            )
        self.use_bias = bias is not None
        bias = np.zeros(units) if bias is None else np.asarray(bias, dtype=np.float64)
        if bias.shape != (units,):
            raise ValueError(f"bias must have shape ({units},); got {bias.shape}.")
        self.kernel = kernel
        self.recurrent_kernel = recurrent_kernel
        self.bias = bias
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
    def from_keras(cls, layer: object) -> SimpleRNNScratch:
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
        h = self._initial_state(initial_state, batch)
        states = np.empty((batch, steps, self.units))
        for t in range(steps):
            h = self.step(x[:, t], h)
            states[:, t] = h
        return states

    def _initial_state(self, initial_state: np.ndarray | None, batch: int) -> np.ndarray:
        if initial_state is None:
            return np.zeros((batch, self.units))
        h0 = np.asarray(initial_state, dtype=np.float64)
        if h0.shape != (batch, self.units):
            raise ValueError(
                f"initial_state must have shape (batch, units) = ({batch}, {self.units}); "
                f"got {h0.shape}."
            )
        return h0

    def count_params(self) -> int:
        """Number of weights as Keras counts them: ``units * (features + units + 1)``."""
        return self.kernel.size + self.recurrent_kernel.size + (self.units if self.use_bias else 0)
