"""Obligation extraction (issue: obligation finder) — being written; returns nothing yet."""

from __future__ import annotations

from .models import Chunk


def extract_obligations(chunks: list[Chunk]) -> list:
    return []
