//===- IrisData.h - Fisher's Iris data for the MLP examples -----*- C++ -*-===//
//
// Reads examples/data/iris.csv, shuffles it with seed 0, splits it into 120
// training and 30 test flowers and standardizes the features with the
// training statistics: what mlp_iris.cpp and mlp_iris_ddp.cpp train on.
//
//===----------------------------------------------------------------------===//

#ifndef ADJIT_EXAMPLES_IRISDATA_H
#define ADJIT_EXAMPLES_IRISDATA_H

#include "ExampleUtil.h"
#include "adjit/adjit.h"

#include <string>
#include <vector>

namespace adjit::examples {

/// Standardized features [N, 4] and int64 species [N] of both splits.
struct IrisSplit {
  Tensor xTrain, yTrain, xTest, yTest;
};

/// Loads \p path (a header, then 4 measurements and the species name per
/// line); false if it cannot be read.
inline bool loadIris(const std::string &path, IrisSplit &split) {
  std::vector<std::vector<std::string>> rows;
  if (!readCsv(path, /*skipLines=*/1, rows))
    return false;
  const std::vector<std::string> species = {"setosa", "versicolor",
                                            "virginica"};
  std::vector<double> features, labels;
  for (const std::vector<std::string> &row : rows) {
    if (row.size() != 5)
      return false;
    for (int i = 0; i < 4; ++i)
      features.push_back(std::stod(row[i]));
    for (size_t c = 0; c < species.size(); ++c)
      if (row[4] == species[c])
        labels.push_back(static_cast<double>(c));
  }
  if (labels.size() * 4 != features.size() || labels.empty())
    return false;
  const int64_t n = static_cast<int64_t>(labels.size());
  manual_seed(0);

  // Shuffle, then split 120 / 30.
  Tensor perm = randperm(n);
  std::vector<double> xs, ys;
  for (int64_t i = 0; i < n; ++i) {
    int64_t j = perm[i].item<int64_t>();
    for (int k = 0; k < 4; ++k)
      xs.push_back(features[j * 4 + k]);
    ys.push_back(labels[j]);
  }
  const int64_t nTrain = 120;
  Tensor all = from_vector(xs, {n, 4});
  Tensor target = from_vector(ys, {n}, kInt64);
  Tensor xTrain = all.slice(0, 0, nTrain), xTest = all.slice(0, nTrain);
  split.yTrain = target.slice(0, 0, nTrain);
  split.yTest = target.slice(0, nTrain);

  // Standardize with the training statistics.
  Tensor mu = xTrain.mean({0}, true);
  Tensor sigma = sqrt((xTrain - mu).pow(2).mean({0}, true));
  split.xTrain = (xTrain - mu) / sigma;
  split.xTest = (xTest - mu) / sigma;
  return true;
}

} // namespace adjit::examples

#endif // ADJIT_EXAMPLES_IRISDATA_H
