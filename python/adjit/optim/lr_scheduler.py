"""adjit.optim.lr_scheduler: learning-rate schedules (the C++ schedules).

As in PyTorch, making a schedule applies step 0 to every parameter group of
the optimizer (from each group's rate at that moment, its base rate), and
``step()`` advances by one, after ``optimizer.step()``:

- ``StepLR(optimizer, step_size, gamma=0.1)``: ``base * gamma**(t //
  step_size)``;
- ``LambdaLR(optimizer, lr_lambda)``: ``base * lr_lambda(t)`` (one function
  for all groups);
- ``CosineAnnealingLR(optimizer, T_max, eta_min=0)``: PyTorch's closed form
  ``eta_min + (base - eta_min) * (1 + cos(pi * t / T_max)) / 2``;
- ``CosineWarmupLR(optimizer, warmup_iters, lr_decay_iters, min_lr)``:
  nanoGPT's linear warmup, then cosine decay to ``min_lr``.

``get_last_lr()`` returns the rates set last, ``last_epoch`` the steps
taken. Only learning rates change, so an ``adjit.jit.TrainStep`` driven by a
schedule (through the optimizer it was made from, or ``step.optimizer``)
never recompiles.
"""

from .._adjit.optim.lr_scheduler import (  # noqa: F401
    LRScheduler, StepLR, LambdaLR, CosineAnnealingLR, CosineWarmupLR)

__all__ = ["LRScheduler", "StepLR", "LambdaLR", "CosineAnnealingLR",
           "CosineWarmupLR"]
