//===- ModuleListTest.cpp - nn::ModuleList and Module::to -----------------===//

#include "TestUtil.h"

#include "adjit/NN/Dropout.h"
#include "adjit/NN/ModuleList.h"
#include "adjit/NN/Normalization.h"

using namespace adjit;
using namespace adjit::test;

namespace {

/// A model holding its layers in a ModuleList, as a transformer holds its
/// blocks.
class StackImpl : public nn::Module {
public:
  explicit StackImpl(int64_t layers) : Module("Stack") {
    blocks = register_module("blocks", nn::ModuleList());
    for (int64_t i = 0; i < layers; ++i)
      blocks->push_back(nn::Linear(3, 3));
    blocks->push_back(nn::Dropout(0.5));
    head = register_module("head", nn::Linear(3, 1));
  }
  Tensor forward(const Tensor &x) override {
    Tensor h = x;
    for (const std::shared_ptr<nn::Module> &block : *blocks)
      h = block->forward(h);
    return head(h);
  }
  nn::ModuleList blocks{nullptr};
  nn::Linear head{nullptr};
};
ADJIT_MODULE(Stack);

TEST(ModuleListTest, IndexingIterationAndTypedAccess) {
  nn::Linear first(2, 3);
  nn::ModuleList list(first, nn::ReLU(), std::make_shared<nn::TanhImpl>());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_FALSE(list->is_empty());
  EXPECT_TRUE(nn::ModuleList()->is_empty());
  // The list holds the modules themselves, not copies.
  EXPECT_EQ(list[0].get(), first.get());
  EXPECT_EQ((*list)[0].get(), first.get());
  EXPECT_EQ(list->ptr<nn::LinearImpl>(0).get(), first.get());
  EXPECT_EQ(list->ptr<nn::LinearImpl>(1), nullptr);
  EXPECT_EQ(&list->at<nn::LinearImpl>(0), first.get());
  EXPECT_EQ(list[1]->as<nn::ReLUImpl>(), list[1].get());
  EXPECT_EQ(list[1]->as<nn::TanhImpl>(), nullptr);
  std::vector<std::string> names;
  for (const std::shared_ptr<nn::Module> &module : *list)
    names.push_back(module->name());
  EXPECT_EQ(names, (std::vector<std::string>{"Linear", "ReLU", "Tanh"}));
  auto children = list->named_children();
  ASSERT_EQ(children.size(), 3u);
  EXPECT_EQ(children[2].first, "2");

  nn::ModuleList more;
  more->extend(*list);
  more->push_back(nn::Sigmoid());
  ASSERT_EQ(more->size(), 4u);
  EXPECT_EQ(more[0].get(), first.get());
  EXPECT_EQ(more->parameters().size(), 2u);
}

TEST(ModuleListTest, ParametersModesAndGradientsReachTheList) {
  manual_seed(0);
  Stack model(2);
  auto named = model->named_parameters();
  ASSERT_EQ(named.size(), 6u);
  EXPECT_EQ(named[0].first, "blocks.0.weight");
  EXPECT_EQ(named[3].first, "blocks.1.bias");
  EXPECT_EQ(named[5].first, "head.bias");

  model->eval();
  for (const auto &block : *model->blocks)
    EXPECT_FALSE(block->is_training());
  model->train();
  EXPECT_TRUE(model->blocks[2]->is_training());

  Tensor x = randn({4, 3});
  model->eval();
  model->forward(x).sum().backward();
  for (const Tensor &p : model->parameters())
    EXPECT_TRUE(p.grad().defined());
  model->zero_grad();
  EXPECT_FALSE(model->blocks->ptr<nn::LinearImpl>(1)->weight.grad().defined());
}

TEST(ModuleListTest, ToConvertsParametersInPlace) {
  manual_seed(1);
  Stack model(1);
  nn::BatchNorm1d norm(3);
  model->blocks->push_back(norm);
  Tensor weight = model->blocks->ptr<nn::LinearImpl>(0)->weight;
  Tensor before = weight.detach().clone();
  model->forward(randn({4, 3})).sum().backward();
  model->to(Dtype::Float64);
  // The same tensor (the member and the handle taken before) sees the new
  // dtype and the same values; its gradient is converted too.
  EXPECT_EQ(weight.dtype(), Dtype::Float64);
  EXPECT_EQ(model->blocks->ptr<nn::LinearImpl>(0)->weight.dtype(),
            Dtype::Float64);
  EXPECT_EQ(weight.grad().dtype(), Dtype::Float64);
  EXPECT_TRUE(weight.requires_grad());
  EXPECT_TRUE(allclose(weight.to(Dtype::Float32), before, 0, 0));
  EXPECT_EQ(norm->running_mean.dtype(), Dtype::Float64);
  for (const Tensor &p : model->parameters())
    EXPECT_EQ(p.dtype(), Dtype::Float64);
  // A float64 model runs on float64 data and trains.
  model->zero_grad();
  model->forward(randn({4, 3}, Dtype::Float64)).sum().backward();
  EXPECT_EQ(weight.grad().dtype(), Dtype::Float64);
  model->to(Dtype::Float32);
  EXPECT_EQ(weight.dtype(), Dtype::Float32);
}

TEST(ModuleListTest, Errors) {
  nn::ModuleList list{nn::ReLU()};
  EXPECT_ADJIT_ERROR(list->ptr(1),
                     "ModuleList: index 1 is out of range for a list of 1 "
                     "modules");
  EXPECT_ADJIT_ERROR(list[3], "ModuleList: index 3 is out of range");
  EXPECT_ADJIT_ERROR(list->at<nn::LinearImpl>(0),
                     "ModuleList::at: module 0 is a ReLU, not the requested "
                     "type");
  EXPECT_ADJIT_ERROR(list->push_back(nn::Linear(nullptr)),
                     "register_module: submodule '1' of module ModuleList is "
                     "null");
  EXPECT_EQ(list->size(), 1u);
  EXPECT_ADJIT_ERROR(list->to(Dtype::Int64),
                     "Module::to: module ModuleList can only be converted to "
                     "a floating-point dtype");
}

} // namespace
