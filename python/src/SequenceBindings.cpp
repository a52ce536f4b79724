//===- SequenceBindings.cpp - indexing, masking, layer norm, attention ----===//
//
// The ops of sequence models with PyTorch's Python names: Tensor methods
// (gather, index_select, scatter_add, tril, triu, diag, diag_embed,
// masked_fill, cumsum, bmm, split, chunk, unbind, narrow, repeat), einsum, and
// nn.functional ops (embedding, one_hot, layer_norm, gelu,
// scaled_dot_product_attention).
//
//===----------------------------------------------------------------------===//

#include "Bindings.h"

#include "adjit/Einsum.h"

using namespace adjit;
using namespace adjit::python;

namespace {
Tensor orUndefined(const std::optional<Tensor> &tensor) {
  return tensor ? *tensor : Tensor();
}
} // namespace

void adjit::python::bindSequenceOps(py::module_ &nn,
                                    py::class_<Tensor> &tensor) {
  tensor.def("gather", &Tensor::gather, py::arg("dim"), py::arg("index"))
      .def("index_select", &Tensor::index_select, py::arg("dim"),
           py::arg("index"))
      .def("scatter_add", &Tensor::scatter_add, py::arg("dim"),
           py::arg("index"), py::arg("src"))
      .def("tril", &Tensor::tril, py::arg("diagonal") = 0)
      .def("triu", &Tensor::triu, py::arg("diagonal") = 0)
      .def("diag", &Tensor::diag, py::arg("diagonal") = 0)
      .def("diag_embed", &Tensor::diag_embed, py::arg("offset") = 0,
           py::arg("dim1") = -2, py::arg("dim2") = -1)
      .def(
          "masked_fill",
          [](const Tensor &t, const Tensor &mask, const py::object &value) {
            if (py::isinstance<Tensor>(value))
              return t.masked_fill(mask, value.cast<Tensor>());
            return t.masked_fill(mask, value.cast<double>());
          },
          py::arg("mask"), py::arg("value"))
      .def("cumsum", &Tensor::cumsum, py::arg("dim"))
      .def("bmm", &Tensor::bmm, py::arg("mat2"))
      .def(
          "split",
          [](const Tensor &t, const py::object &size, int64_t dim) {
            if (py::isinstance<py::int_>(size))
              return t.split(size.cast<int64_t>(), dim);
            return t.split(toShape(size), dim);
          },
          py::arg("split_size_or_sections"), py::arg("dim") = 0)
      .def("chunk", &Tensor::chunk, py::arg("chunks"), py::arg("dim") = 0)
      .def("unbind", &Tensor::unbind, py::arg("dim") = 0)
      .def("narrow", &Tensor::narrow, py::arg("dim"), py::arg("start"),
           py::arg("length"))
      .def("repeat", [](const Tensor &t, const py::args &repeats) {
        return t.repeat(shapeFromArgs(repeats));
      });

  // torch.einsum(equation, *operands) and torch.einsum(equation, operands).
  nn.def("einsum", [](const std::string &equation, const py::args &operands) {
    std::vector<Tensor> tensors;
    if (operands.size() == 1 && !py::isinstance<Tensor>(operands[0]))
      tensors = operands[0].cast<std::vector<Tensor>>();
    else
      tensors = operands.cast<std::vector<Tensor>>();
    return adjit::einsum(equation, tensors);
  });
  nn.def("embedding", &adjit::embedding, py::arg("weight"), py::arg("input"),
         py::arg("padding_idx") = -1);
  nn.def("one_hot", &adjit::one_hot, py::arg("tensor"),
         py::arg("num_classes") = -1);
  nn.def(
      "layer_norm",
      [](const Tensor &input, const py::object &shape,
         const std::optional<Tensor> &weight, const std::optional<Tensor> &bias,
         double eps) {
        return adjit::layer_norm(input, toShape(shape), orUndefined(weight),
                                 orUndefined(bias), eps);
      },
      py::arg("input"), py::arg("normalized_shape"),
      py::arg("weight") = py::none(), py::arg("bias") = py::none(),
      py::arg("eps") = 1e-5);
  nn.def("gelu", &adjit::gelu, py::arg("input"),
         py::arg("approximate") = "none");
  nn.def(
      "scaled_dot_product_attention",
      [](const Tensor &q, const Tensor &k, const Tensor &v,
         const std::optional<Tensor> &mask, double dropout, bool isCausal,
         std::optional<double> scale) {
        return adjit::scaled_dot_product_attention(q, k, v, orUndefined(mask),
                                                   dropout, isCausal, scale);
      },
      py::arg("query"), py::arg("key"), py::arg("value"),
      py::arg("attn_mask") = py::none(), py::arg("dropout_p") = 0.0,
      py::arg("is_causal") = false, py::arg("scale") = py::none());
}
