"""Independent reference for memrec's NARM (with NARM+ and NARM++) and STAMP forward passes.

Reads the JSON of scripts/reference/narm-stamp-dump.ts (memrec's weights, a batch of left-padded inputs with
their ages before the target, and memrec's scores), rebuilds each network in PyTorch in float64 the way
RecBole's narm.py and stamp.py lay it out (right-padded sequences with their lengths, the last state gathered
at length - 1, the attention masked by item > 0), and checks that every score matches memrec's within 1e-5
(relative to max(1, |score|)). The recurrent cell is written out in memrec's form (Cho et al. 2014: the reset
gate before the recurrent product), as torch's nn.GRU puts it after; the T-GRU and the time-aware attention
follow MTAM's eqs. 6-13 and 16-20. Times are in hours (memrec's model.time_unit default).

Usage: /usr/bin/python3 scripts/reference/narm_stamp.py DUMP.json    (exit 1 on a mismatch)
Run both sides with scripts/checks/narm-stamp-reference.sh.
"""
import json
import sys

import torch

TIME_SCALE = 3600.0
TOLERANCE = 1e-5


def right_padded(inputs, ages):
    """Left-padded [B, L] memrec windows -> RecBole's layout: right-padded items, ages, lengths, and each
    item's slot in the left-padded window (the time gate's position-pair parameters are indexed by slot)."""
    batch, length = inputs.shape
    lengths = (inputs > 0).sum(1)
    seq = torch.zeros_like(inputs)
    seq_ages = torch.zeros_like(ages)
    slots = torch.zeros_like(inputs)
    for b in range(batch):
        n = int(lengths[b])
        seq[b, :n] = inputs[b, length - n:]
        seq_ages[b, :n] = ages[b, length - n:]
        slots[b, :n] = torch.arange(length - n, length)
    return seq, seq_ages, lengths, slots


def gather_last(x, lengths):
    return x[torch.arange(x.shape[0]), lengths - 1]


def gru(w, x):
    """memrec's GRU layer: z = σ(x W_z + h U_z + b_z), r = σ(x W_r + h U_r + b_r),
    ĥ = tanh(x W_h + (r ⊙ h) U_h + b_h), h' = (1 - z) h + z ĥ; x [B, L, in] -> states [B, L, h]."""
    wi, wr, b = w["gru_input"], w["gru_recurrent"], w["gru_bias"]
    h = x.new_zeros(x.shape[0], wr.shape[1])
    out = []
    for s in range(x.shape[1]):
        xs = x[:, s]
        z = torch.sigmoid(xs @ wi[0] + h @ wr[0] + b[0])
        r = torch.sigmoid(xs @ wi[1] + h @ wr[1] + b[1])
        cand = torch.tanh(xs @ wi[2] + (r * h) @ wr[2] + b[2])
        h = (1 - z) * h + z * cand
        out.append(h)
    return torch.stack(out, 1)


def tgru(w, x, gaps):
    """MTAM's T-GRU (eqs. 6-13) over x [B, L, in] with gaps [B, L] (hours since the previous item, 0 first)."""
    g = lambda n: w["tgru_" + n]
    h = x.new_zeros(x.shape[0], g("wz").shape[1])
    out = []
    for s in range(x.shape[1]):
        xs = x[:, s]
        xh = torch.cat([xs, h], 1)
        z = torch.sigmoid(xh @ g("wz") + g("bz"))
        r = torch.sigmoid(xh @ g("wr") + g("br"))
        cand = torch.tanh(torch.cat([xs, h * r], 1) @ g("wh") + g("bh"))
        delta = torch.tanh(torch.log(gaps[:, s:s + 1] + 1) * g("wdelta") + g("bdelta"))
        tau = torch.tanh(xh @ g("wtau") + g("btau"))
        gate = torch.sigmoid(delta * g("wgdelta") + tau * g("wgtau") + g("bg"))
        h = z * gate * h + (1 - z) * cand
        out.append(h)
    return torch.stack(out, 1)


def narm(w, flags, item_seq, seq_ages, lengths, slots):
    attention = next((f.split("=")[1] for f in flags if f.startswith("model.attention=")), "additive")
    unit = next((f.split("=")[1] for f in flags if f.startswith("model.unit=")), "gru")
    table = torch.cat([torch.zeros(1, w["item_embedding"].shape[1], dtype=torch.float64), w["item_embedding"]])
    item_seq_emb = table[item_seq]
    mask = item_seq.gt(0)
    hours = seq_ages / TIME_SCALE
    if unit == "tgru":
        gaps = torch.zeros_like(hours)
        gaps[:, 1:] = (hours[:, :-1] - hours[:, 1:]).clamp_min(0)
        gaps = gaps * mask
        gru_out = tgru(w, item_seq_emb, gaps)
    else:
        gru_out = gru(w, item_seq_emb)
    ht = gather_last(gru_out, lengths)
    if attention == "additive":
        q1 = gru_out @ w["attention_a2"]
        q2 = ht @ w["attention_a1"]
        alpha = (mask.unsqueeze(2) * torch.sigmoid(q1 + q2.unsqueeze(1))) @ w["attention_v"]
        c_local = (alpha * gru_out).sum(1)
    else:
        q = ht @ w["attention_query"]
        keys, values = gru_out @ w["attention_key"], gru_out @ w["attention_value"]
        products = torch.einsum("bd,bld->bl", q, keys)
        if attention == "time_aware":
            p = lambda n: w["attention_gate_" + n][0][slots]  # [1, L] position-pair parameters at each item's slot
            delta = torch.tanh(torch.log(hours.abs() + 1) * p("wdelta") + p("bdelta"))
            tau = torch.tanh(torch.einsum("bd,bld->bl", q @ w["attention_gate_wtau"], keys) + p("btau"))
            products = products * torch.sigmoid(delta * p("wgdelta") + tau * p("wgtau") + p("bg"))
        logits = (products / keys.shape[2] ** 0.5).masked_fill(~mask, float("-inf"))
        c_local = torch.einsum("bl,bld->bd", torch.softmax(logits, 1), values)
    seq_output = torch.cat([ht, c_local], 1) @ w["bilinear"]
    return seq_output @ w["item_embedding"].t()


def stamp(w, item_seq, lengths):
    table = torch.cat([torch.zeros(1, w["item_embedding"].shape[1], dtype=torch.float64), w["item_embedding"]])
    org_memory = table[item_seq]
    last_inputs = gather_last(org_memory, lengths)
    ms = org_memory.sum(1) / lengths.unsqueeze(1).double()
    res = org_memory @ w["attention_w1"] + (last_inputs @ w["attention_w2"]).unsqueeze(1) + (ms @ w["attention_w3"]).unsqueeze(1)
    alpha = (torch.sigmoid(res + w["attention_bias"]) @ w["attention_w0"]).squeeze(2)
    ma = torch.einsum("bl,bld->bd", alpha, org_memory) + ms
    hs = torch.tanh(ma @ w["mlp_s_kernel"] + w["mlp_s_bias"])
    ht = torch.tanh(last_inputs @ w["mlp_t_kernel"] + w["mlp_t_bias"])
    return (hs * ht) @ w["item_embedding"].t()


def main():
    dump = json.load(open(sys.argv[1]))
    shape = dump["shape"]
    inputs = torch.tensor(dump["inputs"]).reshape(shape)
    ages = torch.tensor(dump["ages"], dtype=torch.float64).reshape(shape)
    item_seq, seq_ages, lengths, slots = right_padded(inputs, ages)
    failed = False
    for label, variant in dump["variants"].items():
        w = {n: torch.tensor(v["data"], dtype=torch.float64).reshape(v["shape"]) for n, v in variant["weights"].items()}
        with torch.no_grad():
            if label == "stamp":
                ref = stamp(w, item_seq, lengths)
            else:
                ref = narm(w, variant["flags"], item_seq, seq_ages, lengths, slots)
        got = torch.tensor(variant["scores"], dtype=torch.float64)
        error = ((got - ref).abs() / ref.abs().clamp_min(1)).max().item()
        ok = error <= TOLERANCE
        failed = failed or not ok
        print(f"{label:16s} {' '.join(variant['flags']):70s} max relative error {error:.2e} {'ok' if ok else 'MISMATCH'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
