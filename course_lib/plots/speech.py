"""Figures for notebook 10: waveforms, spectrograms, CTC alignments."""

from __future__ import annotations

__all__: list[str] = []
