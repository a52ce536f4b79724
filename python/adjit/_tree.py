"""Nested tuples and lists of tensors as flat lists, as JAX's pytrees.

The loops and transforms of ``adjit.jit`` take and return a tensor, None or
a (nested) tuple or list of them; the C++ API takes flat lists of tensors.
``flatten`` turns such a value into its tensors and its structure, and
``unflatten`` rebuilds a value of that structure from tensors.
"""

from ._adjit import Error, Tensor


class Structure:
    """The shape of a nested value: a tensor leaf, None, or a tuple or list
    of structures. Structures compare equal when the nesting is the same."""

    __slots__ = ("kind", "children", "leaves")

    def __init__(self, kind, children=()):
        self.kind = kind
        self.children = tuple(children)
        self.leaves = (1 if kind == "tensor" else 0) + sum(c.leaves for c in self.children)

    def __eq__(self, other):
        return (isinstance(other, Structure) and self.kind == other.kind
                and self.children == other.children)

    def __hash__(self):
        return hash((self.kind, self.children))

    def __repr__(self):
        if self.kind == "tensor":
            return "Tensor"
        if self.kind == "none":
            return "None"
        inner = ", ".join(repr(c) for c in self.children)
        if self.kind == "tuple":
            return "(" + inner + ("," if len(self.children) == 1 else "") + ")"
        return "[" + inner + "]"


_TENSOR = Structure("tensor")
_NONE = Structure("none")


def flatten(value, api, what):
    """Returns (tensors, structure) of ``value``; raises adjit.Error naming
    ``api`` and ``what`` for a value that is not a tensor, None, or a tuple
    or list of them."""
    leaves = []

    def walk(v):
        if isinstance(v, Tensor):
            leaves.append(v)
            return _TENSOR
        if v is None:
            return _NONE
        if isinstance(v, (tuple, list)):
            return Structure("tuple" if isinstance(v, tuple) else "list", [walk(x) for x in v])
        raise Error("%s: %s must be a tensor, None, or a tuple or list of them, got %s"
                    % (api, what, type(v).__name__))

    return leaves, walk(value)


def unflatten(structure, tensors):
    """The value of ``structure`` holding ``tensors`` in order."""
    it = iter(tensors)

    def build(s):
        if s.kind == "tensor":
            return next(it)
        if s.kind == "none":
            return None
        items = [build(c) for c in s.children]
        return tuple(items) if s.kind == "tuple" else items

    return build(structure)
