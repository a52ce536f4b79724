"""The training step of examples/CharGPT.h in PyTorch, for bench/gpt.

The same GPT-2-style model (4 layers, 4 heads, 128 dims, context 64, vocabulary
65, tied head), batch 12, AdamW (lr 1e-3, betas (0.9, 0.99), weight decay 0.1)
and gradient clipping at 1.0, run eagerly with the given number of intra-op
threads. Prints `ms_per_step <median>` (the median of 5 rounds of `--steps`
steps after 5 warm-up steps), or `skip <reason>` if torch cannot be imported.
"""
import argparse
import math
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    try:
        import torch
        import torch.nn as nn
        import torch.nn.functional as F
    except Exception as error:  # torch is optional
        print("skip torch cannot be imported (%s)" % error)
        return 0
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    vocab, context, layers, heads, dim, batch = 65, 64, 4, 4, 128, 12

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1 = nn.LayerNorm(dim)
            self.c_attn = nn.Linear(dim, 3 * dim)
            self.attn_proj = nn.Linear(dim, dim)
            self.ln_2 = nn.LayerNorm(dim)
            self.c_fc = nn.Linear(dim, 4 * dim)
            self.c_proj = nn.Linear(4 * dim, dim)

        def forward(self, x):
            b, t, c = x.shape
            q, k, v = self.c_attn(self.ln_1(x)).split(c, dim=2)
            split = lambda y: y.view(b, t, heads, c // heads).transpose(1, 2)
            y = F.scaled_dot_product_attention(split(q), split(k), split(v),
                                               is_causal=True) \
                if hasattr(F, "scaled_dot_product_attention") else \
                self.attention(split(q), split(k), split(v), t)
            x = x + self.attn_proj(y.transpose(1, 2).contiguous().view(b, t, c))
            return x + self.c_proj(F.gelu(self.c_fc(self.ln_2(x))))

        @staticmethod
        def attention(q, k, v, t):
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
            mask = torch.ones(t, t, dtype=torch.bool).tril()
            att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
            return att @ v

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.wte = nn.Embedding(vocab, dim)
            self.wpe = nn.Embedding(context, dim)
            self.h = nn.ModuleList([Block() for _ in range(layers)])
            self.ln_f = nn.LayerNorm(dim)

        def forward(self, idx, targets):
            x = self.wte(idx) + self.wpe.weight[: idx.size(1)]
            for block in self.h:
                x = block(x)
            logits = self.ln_f(x) @ self.wte.weight.t()
            return F.cross_entropy(logits.view(-1, vocab), targets)

    model = GPT()
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1},
         {"params": no_decay, "weight_decay": 0.0}],
        lr=1e-3, betas=(0.9, 0.99))
    x = torch.randint(0, vocab, (batch, context))
    y = torch.randint(0, vocab, (batch * context,))

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = model(x, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()

    for _ in range(5):
        step()
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(args.steps):
            step()
        rounds.append((time.perf_counter() - start) / args.steps)
    rounds.sort()
    print("ms_per_step %.3f" % (rounds[len(rounds) // 2] * 1e3))
    return 0


if __name__ == "__main__":
    sys.exit(main())
