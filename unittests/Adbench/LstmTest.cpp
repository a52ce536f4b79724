//===- LstmTest.cpp - The ADBench LSTM objective and its gradient ---------===//
//
// The eager objective and its backward(), the objective looped by jit::scan
// (eagerly and compiled) against ADBench's golden values, against finite
// differences (first and second order) on a small random
// instance, and the reader's and objective's errors.
//
//===----------------------------------------------------------------------===//

#include "LstmObjective.h"

#include "TestUtil.h"
#include "adjit/JIT.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>

using namespace adjit;
using namespace adjit::adbench;
using namespace adjit::test;

namespace {

const std::string adbenchDir = ADJIT_ADBENCH_DIR;

/// The golden LSTM objective and gradient (main then extra parameters) of
/// ADBench's tests, from the section "## LSTM" of the golden-values file.
struct Golden {
  double objective = 0;
  std::vector<double> gradient;
};

bool readGolden(const std::string &path, Golden &golden) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line) && line.rfind("## LSTM", 0) != 0)
    ;
  std::string word;
  if (!(in >> word >> golden.objective) || word != "objective")
    return false;
  std::getline(in, line); // rest of the objective line
  if (!std::getline(in, line) || line.rfind("gradient[", 0) != 0 ||
      !std::getline(in, line))
    return false;
  std::istringstream numbers(line);
  for (double v; numbers >> v;)
    golden.gradient.push_back(v);
  return true;
}

/// Skips the test when the ADBench data directory is not there.
#define REQUIRE_ADBENCH_FILE(path)                                             \
  if (!std::ifstream(path))                                                    \
  GTEST_SKIP() << "ADBench data not found: " << (path)

TEST(AdbenchLstmTest, ReadsTheL2C1024Instance) {
  std::string path = adbenchDir + "/lstm_lstm_l2_c1024.txt";
  REQUIRE_ADBENCH_FILE(path);
  LstmInstance lstm = readLstmInstance(path);
  EXPECT_EQ(lstm.layers, 2);
  EXPECT_EQ(lstm.chars, 1024);
  EXPECT_EQ(lstm.bits, 14);
  EXPECT_EQ(lstm.mainParams.size(), 2u * 2 * 4 * 14);
  EXPECT_EQ(lstm.extraParams.size(), 3u * 14);
  EXPECT_EQ(lstm.state.size(), 2u * 2 * 14);
  EXPECT_EQ(lstm.sequence.size(), 1024u * 14);
  EXPECT_DOUBLE_EQ(lstm.mainParams.front(), 0.7477620204927391);
}

/// The objective of lstm_l2_c1024 and its gradient (accumulated into the
/// parameters' .grad() by `run`) must match the golden values to 1e-8
/// relative.
void expectGoldenValues(const std::function<Tensor(const LstmTensors &)> &run) {
  std::string path = adbenchDir + "/lstm_lstm_l2_c1024.txt";
  std::string goldenPath = adbenchDir + "/golden_values_from_adbench_tests.txt";
  REQUIRE_ADBENCH_FILE(path);
  REQUIRE_ADBENCH_FILE(goldenPath);
  Golden golden;
  ASSERT_TRUE(readGolden(goldenPath, golden));
  LstmTensors t = lstmTensors(readLstmInstance(path));
  ASSERT_EQ(golden.gradient.size(),
            static_cast<size_t>(t.mainParams.numel() + t.extraParams.numel()));
  Tensor loss = run(t);
  EXPECT_EQ(loss.dim(), 0);
  // The golden objective is printed to 8 decimals.
  EXPECT_NEAR(loss.item(), golden.objective, 1e-8 * golden.objective);
  std::vector<double> gradient = values(t.mainParams.grad());
  std::vector<double> extra = values(t.extraParams.grad());
  gradient.insert(gradient.end(), extra.begin(), extra.end());
  for (size_t i = 0; i < gradient.size(); ++i)
    EXPECT_NEAR(gradient[i], golden.gradient[i],
                1e-8 * std::abs(golden.gradient[i]))
        << "gradient element " << i;
}

TEST(AdbenchLstmTest, ObjectiveAndGradientMatchTheGoldenValues) {
  expectGoldenValues([](const LstmTensors &t) {
    Tensor loss =
        lstmObjective(t.mainParams, t.extraParams, t.state, t.sequence);
    loss.backward();
    return loss;
  });
}

TEST(AdbenchLstmTest, ScanObjectiveAndGradientMatchTheGoldenValues) {
  expectGoldenValues([](const LstmTensors &t) {
    Tensor loss =
        lstmObjectiveScan(t.mainParams, t.extraParams, t.state, t.sequence);
    loss.backward();
    return loss;
  });
}

TEST(AdbenchLstmTest, CompiledScanObjectiveAndGradientMatchTheGoldenValues) {
  jit::CompiledFunction objective = jit::compile(
      [](const std::vector<Tensor> &in) {
        return lstmObjectiveScan(in[0], in[1], in[2], in[3]);
      },
      "lstm");
  expectGoldenValues([&](const LstmTensors &t) {
    return objective(t.mainParams, t.extraParams, t.state, t.sequence);
  });
}

TEST(AdbenchLstmTest, GradientsMatchFiniteDifferences) {
  manual_seed(7);
  const int64_t layers = 2, chars = 4, bits = 3;
  Tensor mainParams = rand({2 * layers, 4 * bits}, kFloat64).requires_grad_();
  Tensor extraParams = rand({3, bits}, kFloat64).requires_grad_();
  Tensor state = rand({2 * layers, bits}, kFloat64);
  Tensor sequence = (rand({chars, bits}, kFloat64) > 0.5).to(kFloat64);
  checkFirstAndSecondOrder(
      [&](const std::vector<Tensor> &p) {
        return lstmObjective(p[0], p[1], state, sequence);
      },
      {mainParams, extraParams});
  checkFirstAndSecondOrder(
      [&](const std::vector<Tensor> &p) {
        return lstmObjectiveScan(p[0], p[1], state, sequence);
      },
      {mainParams, extraParams});
}

TEST(AdbenchLstmTest, ReaderNamesTheFileAndTheShortSection) {
  std::string path = ::testing::TempDir() + "adbench_lstm_short.txt";
  {
    std::ofstream out(path);
    out << "1 2 1\n1 2 3 4 5 6 7 8\n0.5 0.5\n";
  }
  try {
    readLstmInstance(path);
    FAIL() << "expected an error";
  } catch (const Error &e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("the extra parameters has 2 numbers, "
                                         "expected 3"),
              std::string::npos)
        << e.what();
  }
  std::remove(path.c_str());
  EXPECT_THROW(readLstmInstance(path), Error);
}

TEST(AdbenchLstmTest, ObjectiveNamesMismatchedShapes) {
  Tensor mainParams = zeros({4, 12}, kFloat64);
  Tensor extraParams = zeros({3, 3}, kFloat64);
  Tensor state = zeros({4, 3}, kFloat64);
  try {
    lstmObjective(mainParams, extraParams, state, zeros({5, 4}, kFloat64));
    FAIL() << "expected an error";
  } catch (const Error &e) {
    EXPECT_NE(
        std::string(e.what()).find("got [4, 12], [3, 3], [4, 3] and [5, 4]"),
        std::string::npos)
        << e.what();
  }
}

} // namespace
