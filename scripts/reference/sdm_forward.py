"""Reference check of memrec's sdm forward pass: SDM (Lv et al., CIKM 2019, sections 3.3-3.7 with the residual
and layer norm of 4.4) written out with PyTorch's own modules (torch.nn.LSTM, torch.nn.MultiheadAttention,
torch.nn.LayerNorm, float64), run with memrec's weights on each user alone, without padding.

Run with Debian's python3-torch as /usr/bin/python3 (scripts/reference/sdm-forward.sh drives it).

`sdm_forward.py INPUT.json` reads {keys: {dim, num_heads, max_length, session_gap, session_length,
long_term_days}, item_category: [...] (-1 = none), weights: {name: {shape, data}}, users: [{user, items,
times}]} (items 0-based, times in seconds) and prints {"scores": [[...]]}, each user's score of every item.
"""
import json
import sys

import numpy as np
import torch

from sessions import split

DAY = 86400.0


def attend(query, rows):
    """softmax over the rows of (rows . query), then their weighted sum; zeros for no rows."""
    if rows.shape[0] == 0:
        return torch.zeros(rows.shape[1], dtype=torch.float64)
    return torch.softmax(rows @ query, 0) @ rows


def main():
    spec = json.load(open(sys.argv[1]))
    keys = spec["keys"]
    w = {name: torch.tensor(np.array(v["data"], dtype=np.float64).reshape(v["shape"])) for name, v in spec["weights"].items()}
    dim = keys["dim"]
    lstm = torch.nn.LSTM(2 * dim, dim, batch_first=True).double()
    mha = torch.nn.MultiheadAttention(dim, keys["num_heads"], batch_first=True).double()
    norm = torch.nn.LayerNorm(dim, eps=1e-8).double()
    with torch.no_grad():
        # memrec stores x W ([in, out]) per gate i, f, g, o; torch stacks W^T of the same gates in the same order
        lstm.weight_ih_l0.copy_(torch.cat([g.T for g in w["lstm_input"]], 0))
        lstm.weight_hh_l0.copy_(torch.cat([g.T for g in w["lstm_recurrent"]], 0))
        lstm.bias_ih_l0.copy_(w["lstm_bias"].reshape(-1))
        lstm.bias_hh_l0.zero_()
        mha.in_proj_weight.copy_(torch.cat([w[f"self_attention_{p}"].T for p in ("query", "key", "value")], 0))
        mha.in_proj_bias.copy_(torch.cat([w[f"self_attention_{p}_bias"] for p in ("query", "key", "value")], 0))
        mha.out_proj.weight.copy_(w["self_attention_output"].T)
        mha.out_proj.bias.copy_(w["self_attention_output_bias"])
        norm.weight.copy_(w["self_attention_norm_gamma"])
        norm.bias.copy_(w["self_attention_norm_beta"])
    category_row = torch.tensor([c + 1 for c in spec["item_category"]], dtype=torch.long)
    scores = []
    with torch.no_grad():
        for user in spec["users"]:
            items = user["items"][-keys["max_length"]:]
            times = user["times"][-keys["max_length"]:]
            earlier, session = split(times, keys["session_gap"], keys["session_length"])
            if keys["long_term_days"] > 0:
                earlier = [k for k in earlier if times[session[0]] - times[k] <= keys["long_term_days"] * DAY]
            index = torch.tensor(items, dtype=torch.long)
            item_rows = w["item_embedding"][index]
            category_rows = w["category_embedding"][category_row[index]]
            e_u = w["user_embedding"][user["user"]]

            inputs = torch.cat([item_rows[session], category_rows[session]], 1)[None]
            h, _ = lstm(inputs)
            attended, _ = mha(h, h, h, need_weights=False)
            encoded = norm(h + attended)[0]
            s = attend(e_u, encoded)

            z = torch.cat([attend(e_u, item_rows[earlier]), attend(e_u, category_rows[earlier])])
            p = torch.tanh(z @ w["long_term_kernel"] + w["long_term_bias"])
            gate = torch.sigmoid(e_u @ w["gate_user"] + s @ w["gate_short"] + p @ w["gate_long"] + w["gate_bias"])
            o = (1 - gate) * p + gate * s
            scores.append((w["output_items"] @ o).tolist())
    print(json.dumps({"scores": scores}))


if __name__ == "__main__":
    main()
