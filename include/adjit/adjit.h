//===- adjit.h - Umbrella header of the adjit C++ API -----------*- C++ -*-===//

#ifndef ADJIT_ADJIT_H
#define ADJIT_ADJIT_H

#include "adjit/Autograd.h"
#include "adjit/Distributed.h"
#include "adjit/Distributed/DataParallel.h"
#include "adjit/Distributed/Sampler.h"
#include "adjit/Einsum.h"
#include "adjit/Error.h"
#include "adjit/JIT/Scan.h"
#include "adjit/NN.h"
#include "adjit/NN/Activation.h"
#include "adjit/NN/Convolution.h"
#include "adjit/NN/CrossEntropy.h"
#include "adjit/NN/Dropout.h"
#include "adjit/NN/Embedding.h"
#include "adjit/NN/LayerNorm.h"
#include "adjit/NN/Loss.h"
#include "adjit/NN/ModuleList.h"
#include "adjit/NN/Normalization.h"
#include "adjit/NN/Pooling.h"
#include "adjit/NN/RNN.h"
#include "adjit/Optim.h"
#include "adjit/Optim/LRScheduler.h"
#include "adjit/Tensor.h"

#endif // ADJIT_ADJIT_H
