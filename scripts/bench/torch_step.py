"""Side-by-side reference for `make bench`: the same SASRec, TiSASRec, GRU4Rec, MTAM and NARM training steps in PyTorch.

Run with Debian's python3-torch (and libopenblas0-pthread) as /usr/bin/python3; never a runtime dependency of
memrec. Prints one JSON object: milliseconds per training step for each shape.

The models mirror memrec's: SASRec with learned positions, pre-norm causal self-attention blocks, a point-wise
feed-forward block, tied item embeddings and BCE with one negative per position; TiSASRec
(src/models/baselines/tisasrec.ts) with the same blocks, its attention adding position and interval embeddings
to the keys and values (intervals drawn at random in [0, k], as their computation is not part of the step's
cost in either); GRU4Rec with an item
embedding, one GRU layer and an output embedding with bias under sampled softmax with one negative; MTAM
(src/models/memory/mtam.ts) with its time-aware GRU (eqs. 6-13) and multi-hop time-aware attention (eqs. 16-25),
written from the same equations, under full softmax over the items; NARM (src/models/baselines/narm.ts) with
nn.GRU, its additive attention and bilinear decoder, under full softmax over the items.

`torch_step.py SHAPES THREADS`: SHAPES is a JSON list of {model, items, length, batch, dim, steps[, hops][, device]
[, profile]}: device "cuda" runs on the GPU (scripts/gpu-bench.sh); profile adds the step's top ops (ms).
"""
import json
import sys
import time

import torch
from torch import nn


def add_block_parts(model, dim, blocks, dropout):
    """The layer norms and feed-forward blocks that SASRec and TiSASRec share, and the final norm."""
    model.attn_norms = nn.ModuleList(nn.LayerNorm(dim, eps=1e-8) for _ in range(blocks))
    model.ffn_norms = nn.ModuleList(nn.LayerNorm(dim, eps=1e-8) for _ in range(blocks))
    model.ffns = nn.ModuleList(
        nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Dropout(dropout), nn.Linear(dim, dim), nn.Dropout(dropout))
        for _ in range(blocks)
    )
    model.last_norm = nn.LayerNorm(dim, eps=1e-8)
    model.dim = dim


def bce_loss(h, items, pos, neg):
    """BCE of the positive and one negative at every real position, scored against the tied item embedding."""
    pl = (h * items(pos)).sum(-1)
    nl = (h * items(neg)).sum(-1)
    mask = pos != 0
    bce = nn.functional.softplus(-pl) + nn.functional.softplus(nl)
    return (bce * mask).sum() / mask.sum()


class SASRec(nn.Module):
    def __init__(self, num_items, dim, max_len, blocks, heads, dropout):
        super().__init__()
        self.items = nn.Embedding(num_items + 1, dim, padding_idx=0)
        self.positions = nn.Embedding(max_len, dim)
        self.drop = nn.Dropout(dropout)
        self.attns = nn.ModuleList(nn.MultiheadAttention(dim, heads, dropout, batch_first=True) for _ in range(blocks))
        add_block_parts(self, dim, blocks, dropout)

    def forward(self, seqs):
        x = self.items(seqs) * self.dim ** 0.5
        x = x + self.positions(torch.arange(seqs.shape[1], device=seqs.device).unsqueeze(0))
        x = self.drop(x)
        keep = (seqs != 0).unsqueeze(-1)
        x = x * keep
        causal = torch.triu(torch.ones(seqs.shape[1], seqs.shape[1], dtype=torch.bool, device=seqs.device), 1)
        for norm, attn, ffn_norm, ffn in zip(self.attn_norms, self.attns, self.ffn_norms, self.ffns):
            q = norm(x)
            out, _ = attn(q, x, x, attn_mask=causal, need_weights=False)
            x = q + out
            x = ffn_norm(x)
            x = (x + ffn(x)) * keep
        return self.last_norm(x)

    def loss(self, seqs, pos, neg):
        return bce_loss(self.forward(seqs), self.items, pos, neg)


class TiSASRec(nn.Module):
    """memrec's TiSASRec: item embedding * sqrt(d) with dropout (no position added), blocks of pre-norm causal
    self-attention whose keys and values get absolute position and interval embeddings, padded keys masked,
    a point-wise feed-forward block, tied item embeddings and BCE with one negative per position (one head)."""

    def __init__(self, num_items, dim, max_len, blocks, span, dropout):
        super().__init__()
        self.items = nn.Embedding(num_items + 1, dim, padding_idx=0)
        self.pos_k, self.pos_v = nn.Embedding(max_len, dim), nn.Embedding(max_len, dim)
        self.time_k, self.time_v = nn.Embedding(span + 1, dim), nn.Embedding(span + 1, dim)
        self.drop = nn.Dropout(dropout)
        self.qkv = nn.ModuleList(nn.ModuleList(nn.Linear(dim, dim) for _ in range(3)) for _ in range(blocks))
        add_block_parts(self, dim, blocks, dropout)

    def forward(self, seqs, intervals):
        keep = (seqs != 0).unsqueeze(-1)
        x = self.drop(self.items(seqs) * self.dim ** 0.5) * keep
        positions = torch.arange(seqs.shape[1])
        pk, pv = self.drop(self.pos_k(positions)), self.drop(self.pos_v(positions))
        tk, tv = self.drop(self.time_k(intervals)), self.drop(self.time_v(intervals))  # [B, T, T, d]
        length = seqs.shape[1]
        blocked = torch.triu(torch.ones(length, length, dtype=torch.bool), 1) | (seqs == 0).unsqueeze(1)
        for norm, (wq, wk, wv), ffn_norm, ffn in zip(self.attn_norms, self.qkv, self.ffn_norms, self.ffns):
            q = norm(x)
            qp, k, v = wq(q), wk(x) + pk, wv(x) + pv
            scores = (qp @ k.transpose(1, 2) + (tk @ qp.unsqueeze(-1)).squeeze(-1)) / self.dim ** 0.5
            weights = self.drop(torch.softmax(scores.masked_fill(blocked, MASKED), -1))
            out = weights @ v + (weights.unsqueeze(2) @ tv).squeeze(2)
            x = ffn_norm(q + out)
            x = (x + ffn(x)) * keep
        return self.last_norm(x)

    def loss(self, seqs, intervals, pos, neg):
        return bce_loss(self.forward(seqs, intervals), self.items, pos, neg)


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


MASKED = -1e9


class Mtam(nn.Module):
    """memrec's MTAM: item + position embedding with dropout, a time-aware GRU over the last `length` behaviours
    (gaps from the ages before the target), its last state refined by `hops` time-aware attention reads of the
    behaviour memory, the result scored against a separate output table. Gaps are in hours (memrec's model.time_unit default); memrec's side runs with model.category=none and
    model.tie_output=false, the same network."""

    def __init__(self, num_items, dim, length, hops, dropout=0.5, time_scale=3600.0):
        super().__init__()
        self.items = nn.Parameter(torch.empty(num_items, dim))
        self.positions = nn.Parameter(torch.empty(length, dim))
        self.gru_w = nn.ParameterDict({n: nn.Parameter(torch.empty(2 * dim, dim)) for n in ("wz", "wr", "wh", "wtau")})
        self.gru_b = nn.ParameterDict({n: nn.Parameter(torch.zeros(dim)) for n in ("bz", "br", "bh", "btau", "bdelta", "bg")})
        self.gru_g = nn.ParameterDict({n: nn.Parameter(torch.empty(dim).uniform_(-0.1, 0.1)) for n in ("wdelta", "wgdelta", "wgtau")})
        self.queries = nn.ParameterList(nn.Parameter(torch.empty(dim, dim)) for _ in range(hops))
        self.key = nn.Parameter(torch.empty(dim, dim))
        self.value = nn.Parameter(torch.empty(dim, dim))
        self.att_wtau = nn.Parameter(torch.empty(dim, dim))
        self.att = nn.ParameterDict({n: nn.Parameter(torch.zeros(1, length)) for n in ("bdelta", "btau", "bg")})
        self.att.update({n: nn.Parameter(torch.empty(1, length).uniform_(-0.1, 0.1)) for n in ("wdelta", "wgdelta", "wgtau")})
        self.output = nn.Parameter(torch.empty(num_items, dim))
        for p in [self.items, self.positions, *self.gru_w.values(), *self.queries, self.key, self.value, self.att_wtau, self.output]:
            nn.init.xavier_uniform_(p)
        self.drop = nn.Dropout(dropout)
        self.time_scale = time_scale

    def tgru(self, x, gaps, real):
        """x [B, L, d], gaps [B, L], real [B, L] -> the last state [B, d] (eqs. 6-13; padding keeps the state)."""
        w, b, g = self.gru_w, self.gru_b, self.gru_g
        h = x.new_zeros(x.shape[0], w["wz"].shape[1])
        delta_all = torch.tanh(torch.log1p(gaps).unsqueeze(-1) * g["wdelta"] + b["bdelta"])
        for s in range(x.shape[1]):
            xs = x[:, s]
            xh = torch.cat([xs, h], 1)
            z = torch.sigmoid(xh @ w["wz"] + b["bz"])
            r = torch.sigmoid(xh @ w["wr"] + b["br"])
            cand = torch.tanh(torch.cat([xs, h * r], 1) @ w["wh"] + b["bh"])
            tau = torch.tanh(xh @ w["wtau"] + b["btau"])
            gate = torch.sigmoid(delta_all[:, s] * g["wgdelta"] + tau * g["wgtau"] + b["bg"])
            nxt = z * gate * h + (1 - z) * cand
            m = real[:, s : s + 1]
            h = nxt * m + h * (1 - m)
        return h

    def read(self, c, memory, ages, real):
        """Multi-hop time-aware attention (eqs. 16-25) with the target at time 0 and memory slots at `ages`."""
        keys, values = memory @ self.key, memory @ self.value
        a = self.att
        delta = torch.tanh(torch.log1p(ages.abs()) * a["wdelta"] + a["bdelta"])  # [B, L]
        d = c.shape[1]
        for query in self.queries:
            q = c @ query  # [B, d]
            tau = torch.tanh(torch.einsum("bd,bld->bl", q @ self.att_wtau, keys) + a["btau"])
            gate = torch.sigmoid(delta * a["wgdelta"] + tau * a["wgtau"] + a["bg"])
            logits = torch.einsum("bd,bld->bl", q, keys) * gate / d ** 0.5
            logits = logits + (1 - real) * MASKED
            e = torch.exp(logits - logits.max(-1, keepdim=True).values) * real
            scores = e / e.sum(-1, keepdim=True).clamp_min(1e-30)
            c = c + torch.einsum("bl,bld->bd", scores, values)
        return c

    def user(self, inputs, ages):
        """inputs [B, L] (0 = padding, items from 1), ages [B, L] (seconds before the target) -> [B, d]."""
        real = (inputs > 0).float()
        x = self.drop(self.items[(inputs - 1).clamp_min(0)] + self.positions) * real.unsqueeze(-1)
        scaled = ages / self.time_scale
        prev_age = torch.cat([scaled.new_zeros(scaled.shape[0], 1), scaled[:, :-1]], 1)
        prev_real = torch.cat([real.new_zeros(real.shape[0], 1), real[:, :-1]], 1)
        gaps = (prev_age - scaled).clamp_min(0) * prev_real * real
        return self.read(self.tgru(x, gaps, real), x, scaled, real)

    def loss(self, inputs, ages, targets):
        logits = self.user(inputs, ages) @ self.output.t()
        return nn.functional.cross_entropy(logits, targets)


class Narm(nn.Module):
    """memrec's NARM (src/models/baselines/narm.ts) as a PyTorch user writes it (RecBole's narm.py layout):
    an item embedding with dropout 0.25, nn.GRU, the additive local encoder, dropout 0.5 on [c_g; c_l], the
    bilinear decoder against the same item table, full softmax over the items. nn.GRU applies the reset gate
    after the recurrent product where memrec's GRU applies it before: the same cost; for the equal-weights
    check of the forward pass see scripts/reference/narm_stamp.py."""

    def __init__(self, num_items, dim, embedding_dim):
        super().__init__()
        self.items = nn.Embedding(num_items + 1, embedding_dim, padding_idx=0)
        self.gru = nn.GRU(embedding_dim, dim, batch_first=True)
        self.a1 = nn.Linear(dim, dim, bias=False)
        self.a2 = nn.Linear(dim, dim, bias=False)
        self.v = nn.Linear(dim, 1, bias=False)
        self.bilinear = nn.Linear(2 * dim, embedding_dim, bias=False)
        self.emb_drop = nn.Dropout(0.25)
        self.ct_drop = nn.Dropout(0.5)

    def loss(self, inputs, targets):
        """inputs [B, L] (0 = padding, items from 1; left-padded, so the last state is the last step's)."""
        states, _ = self.gru(self.emb_drop(self.items(inputs)))
        ht = states[:, -1]
        alpha = self.v(inputs.gt(0).unsqueeze(2) * torch.sigmoid(self.a1(ht).unsqueeze(1) + self.a2(states)))
        context = self.ct_drop(torch.cat([ht, (alpha * states).sum(1)], 1))
        logits = self.bilinear(context) @ self.items.weight[1:].t()
        return nn.functional.cross_entropy(logits, targets)


def time_steps(model, num_items, batch, length, steps, warmup=3, device="cpu", profile=False):
    model.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(0)
    seqs = torch.randint(1, num_items + 1, (batch, length), generator=gen)
    pos = torch.randint(1, num_items + 1, (batch, length), generator=gen)
    neg = torch.randint(1, num_items + 1, (batch, length), generator=gen)
    if isinstance(model, TiSASRec):
        intervals = torch.randint(0, model.time_k.num_embeddings, (batch, length, length), generator=gen)
        args = (seqs, intervals, pos, neg)
    elif isinstance(model, Mtam):
        # ages before the target: gaps of up to a day, the last behaviour nearest the target
        gaps = torch.randint(1, 86400, (batch, length), generator=gen).float()
        args = (seqs, gaps.flip(1).cumsum(1).flip(1), pos[:, 0] - 1)
    elif isinstance(model, Narm):
        args = (seqs, pos[:, 0] - 1)
    else:
        args = (seqs, pos, neg)
    args = tuple(a.to(device) for a in args)
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)

    def step():
        opt.zero_grad()
        model.loss(*args).backward()
        opt.step()

    model.train()
    for _ in range(warmup):
        step()
    sync()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    sync()
    ms = (time.perf_counter() - start) / steps * 1000
    if not profile:
        return ms, None
    activity = torch.profiler.ProfilerActivity
    with torch.profiler.profile(activities=[activity.CPU] + ([activity.CUDA] if device == "cuda" else [])) as prof:
        step()
        sync()
    attr = "self_cuda_time_total" if device == "cuda" else "self_cpu_time_total"
    ops = sorted(prof.key_averages(), key=lambda e: getattr(e, attr), reverse=True)[:12]
    return ms, [[e.key, getattr(e, attr) / 1000] for e in ops]


def main():
    shapes = json.loads(sys.argv[1])
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else torch.get_num_threads()
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    out = {"torch": torch.__version__, "threads": threads, "steps": []}
    for s in shapes:
        if s["model"] == "sasrec":
            model = SASRec(s["items"], s["dim"], s["length"], 2, 1, 0.2)
        elif s["model"] == "tisasrec":
            model = TiSASRec(s["items"], s["dim"], s["length"], 2, 256, 0.2)
        elif s["model"] == "mtam":
            model = Mtam(s["items"], s["dim"], s["length"], s["hops"])
        elif s["model"] == "narm":
            model = Narm(s["items"], s["dim"], s["dim"])
        else:
            model = GRU4Rec(s["items"], s["dim"], s["dim"])
        ms, ops = time_steps(model, s["items"], s["batch"], s["length"], s.get("steps", 10), device=s.get("device", "cpu"), profile=s.get("profile", False))
        out["steps"].append({**s, "ms_per_step": ms, **({"ops_ms": ops} if ops is not None else {})})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
