"""adjit.nn.functional: the functional ops and losses of the C++ API."""

from .._adjit import _nn

__all__ = [
    "mse_loss", "cross_entropy", "binary_cross_entropy_with_logits",
    "softmax", "log_softmax", "relu", "tanh", "sigmoid", "linear",
    "conv1d", "conv2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d",
    "batch_norm", "dropout", "flatten", "embedding", "one_hot", "layer_norm",
    "gelu", "scaled_dot_product_attention",
]


def mse_loss(input, target, reduction="mean"):
    """Mean (or sum, or none) of squared differences; shapes must match."""
    return _nn.mse_loss(input, target, reduction)


def cross_entropy(input, target, weight=None, size_average=None,
                  ignore_index=-100, reduce=None, reduction="mean",
                  label_smoothing=0.0):
    """Cross entropy of logits [N, C], [N, C, d...] or [C] with int64 class
    targets [N], [N, d...] or [] (those equal to ignore_index are left out)
    or class probabilities, with per-class weights and label smoothing, as
    torch.nn.functional.cross_entropy (the deprecated size_average and
    reduce must be None)."""
    if size_average is not None or reduce is not None:
        raise TypeError("cross_entropy: size_average and reduce are not "
                        "supported; use reduction")
    return _nn.cross_entropy(input, target, weight, ignore_index, reduction,
                             label_smoothing)


def binary_cross_entropy_with_logits(input, target, reduction="mean"):
    """Binary cross entropy of logits against targets in [0, 1]."""
    return _nn.binary_cross_entropy_with_logits(input, target, reduction)


def softmax(input, dim):
    return _nn.softmax(input, dim)


def log_softmax(input, dim):
    return _nn.log_softmax(input, dim)


def relu(input):
    return input.relu()


def tanh(input):
    return input.tanh()


def sigmoid(input):
    return input.sigmoid()


def linear(input, weight, bias=None):
    """input @ weight.T + bias."""
    output = input.matmul(weight.t())
    return output if bias is None else output + bias


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution of NCHW (or CHW) input with an OIHW weight; sizes are an
    int or a pair; padding may also be "same" or "valid"."""
    return _nn.conv2d(input, weight, bias, stride, padding, dilation, groups)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution of NCL (or CL) input with an [out, in / groups, k]
    weight."""
    return _nn.conv1d(input, weight, bias, stride, padding, dilation, groups)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode=False):
    """Max over windows; the gradient goes to the first maximum of each window
    (NaN counts as the maximum), as PyTorch's."""
    return _nn.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    return _nn.avg_pool2d(input, kernel_size, stride, padding, ceil_mode,
                          count_include_pad)


def adaptive_avg_pool2d(input, output_size):
    return _nn.adaptive_avg_pool2d(input, output_size)


def batch_norm(input, running_mean, running_var, weight=None, bias=None,
               training=False, momentum=0.1, eps=1e-5):
    """Normalizes per channel (dim 1) with the batch statistics when training
    (updating the running ones in place) or the running ones otherwise."""
    return _nn.batch_norm(input, running_mean, running_var, weight, bias,
                          training, momentum, eps)


def dropout(input, p=0.5, training=True):
    """Zeroes elements with probability p and scales the rest by 1/(1-p) when
    training; the masks come from the generator adjit.manual_seed seeds."""
    return _nn.dropout(input, p, training)


def flatten(input, start_dim=0, end_dim=-1):
    return input.flatten(start_dim, end_dim)


def embedding(input, weight, padding_idx=None):
    """The rows of weight at the int64 indices input; the padding_idx row
    gets no gradient."""
    return _nn.embedding(weight, input, -1 if padding_idx is None else padding_idx)


def one_hot(tensor, num_classes=-1):
    return _nn.one_hot(tensor, num_classes)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalizes over the trailing dims normalized_shape (biased variance)."""
    return _nn.layer_norm(input, normalized_shape, weight, bias, eps)


def gelu(input, approximate="none"):
    """x * Phi(x), exact (erf) or with approximate="tanh"."""
    return _nn.gelu(input, approximate)


def scaled_dot_product_attention(query, key, value, attn_mask=None,
                                 dropout_p=0.0, is_causal=False, scale=None):
    """softmax(q k^T * scale + mask) v; is_causal masks key j > query i."""
    return _nn.scaled_dot_product_attention(query, key, value, attn_mask,
                                            dropout_p, is_causal, scale)
