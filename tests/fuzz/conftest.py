"""Fuzzing helpers: each target runs a CI-sized number of generated inputs
(derandomised, so CI is repeatable) and, marked slow, ten times as many fresh
ones (`make stress`)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.strategies import SearchStrategy

from casetui.errors import CasetuiError
from casetui.pipeline import layouts

QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]


def fuzz(strategy: SearchStrategy[Any], examples: int) -> Callable[..., Any]:
    """Turn `check(value)` into (CI test, slow test) over values of `strategy`."""

    def make(check: Callable[[Any], None]) -> tuple[Any, Any]:
        def ci(value: Any) -> None:
            check(value)

        def long(value: Any) -> None:
            check(value)

        ci_test = settings(
            max_examples=examples, deadline=None, derandomize=True, database=None,
            suppress_health_check=QUIET,
        )(given(strategy)(ci))  # fmt: skip
        slow_test = pytest.mark.slow(
            settings(
                max_examples=examples * 10, deadline=None, suppress_health_check=QUIET
            )(given(strategy)(long))
        )
        return ci_test, slow_test

    return make


def only_casetui_errors(call: Callable[[], Any]) -> Any:
    """Run `call`: its result, or None when it raised a CasetuiError with a title
    and a message. Any other exception fails the test."""
    try:
        return call()
    except CasetuiError as err:
        assert err.title.strip() and err.message.strip()
        assert "Traceback" not in err.message
        return None


_layouts = functools.lru_cache(maxsize=None)(layouts.all_layouts)


@contextmanager
def layouts_read_once() -> Iterator[None]:
    """Parse the layout files once, not on every generated input: the inputs are
    what is fuzzed, and reading TOML would be most of the time spent."""
    with mock.patch.object(layouts, "all_layouts", _layouts):
        yield
