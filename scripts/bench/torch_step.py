"""Side-by-side reference for `make bench`: the same SASRec and GRU4Rec training steps in PyTorch.

Run with Debian's python3-torch (and libopenblas0-pthread) as /usr/bin/python3; never a runtime dependency of
memrec. Prints one JSON object: milliseconds per training step for each shape.

The models mirror memrec's: SASRec with learned positions, pre-norm causal self-attention blocks, a point-wise
feed-forward block, tied item embeddings and BCE with one negative per position; GRU4Rec with an item
embedding, one GRU layer and an output embedding with bias under sampled softmax with one negative.
"""
import json
import sys
import time

import torch
from torch import nn


class SASRec(nn.Module):
    def __init__(self, num_items, dim, max_len, blocks, heads, dropout):
        super().__init__()
        self.items = nn.Embedding(num_items + 1, dim, padding_idx=0)
        self.positions = nn.Embedding(max_len, dim)
        self.drop = nn.Dropout(dropout)
        self.attn_norms = nn.ModuleList(nn.LayerNorm(dim, eps=1e-8) for _ in range(blocks))
        self.attns = nn.ModuleList(nn.MultiheadAttention(dim, heads, dropout, batch_first=True) for _ in range(blocks))
        self.ffn_norms = nn.ModuleList(nn.LayerNorm(dim, eps=1e-8) for _ in range(blocks))
        self.ffns = nn.ModuleList(
            nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Dropout(dropout), nn.Linear(dim, dim), nn.Dropout(dropout))
            for _ in range(blocks)
        )
        self.last_norm = nn.LayerNorm(dim, eps=1e-8)
        self.dim = dim

    def forward(self, seqs):
        x = self.items(seqs) * self.dim ** 0.5
        x = x + self.positions(torch.arange(seqs.shape[1]).unsqueeze(0))
        x = self.drop(x)
        keep = (seqs != 0).unsqueeze(-1)
        x = x * keep
        causal = torch.triu(torch.ones(seqs.shape[1], seqs.shape[1], dtype=torch.bool), 1)
        for norm, attn, ffn_norm, ffn in zip(self.attn_norms, self.attns, self.ffn_norms, self.ffns):
            q = norm(x)
            out, _ = attn(q, x, x, attn_mask=causal, need_weights=False)
            x = q + out
            x = ffn_norm(x)
            x = (x + ffn(x)) * keep
        return self.last_norm(x)

    def loss(self, seqs, pos, neg):
        h = self.forward(seqs)
        pl = (h * self.items(pos)).sum(-1)
        nl = (h * self.items(neg)).sum(-1)
        mask = pos != 0
        bce = nn.functional.softplus(-pl) + nn.functional.softplus(nl)
        return (bce * mask).sum() / mask.sum()


class GRU4Rec(nn.Module):
    def __init__(self, num_items, emb, hidden):
        super().__init__()
        self.items = nn.Embedding(num_items + 1, emb, padding_idx=0)
        self.gru = nn.GRU(emb, hidden, batch_first=True)
        self.out = nn.Embedding(num_items + 1, hidden)
        self.bias = nn.Embedding(num_items + 1, 1)

    def loss(self, seqs, pos, neg):
        h, _ = self.gru(self.items(seqs))
        cand = torch.stack([pos, neg], -1)
        logits = (h.unsqueeze(2) * self.out(cand)).sum(-1) + self.bias(cand).squeeze(-1)
        ce = torch.logsumexp(logits, -1) - logits[..., 0]
        mask = pos != 0
        return (ce * mask).sum() / mask.sum()


def time_steps(model, num_items, batch, length, steps, warmup=3):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(0)
    seqs = torch.randint(1, num_items + 1, (batch, length), generator=gen)
    pos = torch.randint(1, num_items + 1, (batch, length), generator=gen)
    neg = torch.randint(1, num_items + 1, (batch, length), generator=gen)
    model.train()
    for i in range(warmup + steps):
        if i == warmup:
            start = time.perf_counter()
        opt.zero_grad()
        model.loss(seqs, pos, neg).backward()
        opt.step()
    return (time.perf_counter() - start) / steps * 1000


def main():
    shapes = json.loads(sys.argv[1])
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else torch.get_num_threads()
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    out = {"torch": torch.__version__, "threads": threads, "steps": []}
    for s in shapes:
        if s["model"] == "sasrec":
            model = SASRec(s["items"], s["dim"], s["length"], 2, 1, 0.2)
        else:
            model = GRU4Rec(s["items"], s["dim"], s["dim"])
        ms = time_steps(model, s["items"], s["batch"], s["length"], s.get("steps", 10))
        out["steps"].append({**s, "ms_per_step": ms})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
