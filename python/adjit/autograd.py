"""adjit.autograd: grad, backward and gradcheck of the C++ autograd."""

from ._adjit.autograd import grad, backward, gradcheck  # noqa: F401
from ._adjit import Node  # noqa: F401

__all__ = ["grad", "backward", "gradcheck", "Node"]
