"""Grad-mode context managers: no_grad, enable_grad, set_grad_enabled."""

import functools

from ._adjit import _set_grad_enabled, is_grad_enabled


class _GradMode:
    """Sets grad mode on entry and restores it on exit; also a decorator."""

    _enabled = True

    def __enter__(self):
        self._previous = is_grad_enabled()
        _set_grad_enabled(self._enabled)
        return self

    def __exit__(self, *exc):
        _set_grad_enabled(self._previous)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)

        return wrapper


class no_grad(_GradMode):
    """Disables gradient recording (on this thread) inside the block."""

    _enabled = False


class enable_grad(_GradMode):
    """Enables gradient recording (on this thread) inside the block."""

    _enabled = True


class set_grad_enabled:
    """Sets gradient recording on or off: at once, and as a context manager
    restores the previous mode on exit."""

    def __init__(self, mode):
        self._previous = is_grad_enabled()
        _set_grad_enabled(bool(mode))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _set_grad_enabled(self._previous)
        return False
