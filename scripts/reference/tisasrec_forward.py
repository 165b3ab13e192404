"""Reference check of memrec's tisasrec forward pass: the PyTorch port of TiSASRec (pmixer/TiSASRec.pytorch,
its model.py imported from a checkout given on the command line, never copied here) run with memrec's weights.

Run with Debian's python3-torch as /usr/bin/python3 (scripts/reference/tisasrec-forward.sh drives it).

`tisasrec_forward.py PORT_DIR INPUT.json` reads {dim, heads, blocks, max_length, time_span, num_items, weights:
{name: {shape, data}}, users: [{items, times}]} (items 0-based, times in seconds) and prints {"scores": [[...]]},
each user's logits for every item at the last position.

Each user runs alone, on their real items only (no padding): the port masks padded queries but not padded keys,
so with padding its scores differ from the authors' TF code, which memrec follows; without padding the two
agree. Its absolute positions are then 0..W-1 for a W-item input, so its position tables get memrec's last W
rows (memrec counts positions from the right end of a max_length-wide input). The interval matrix is computed
here from the times by the paper's rule (section 3.2): r_ij = min(k, floor(|t_i - t_j| / r_min)), r_min the
smallest non-zero gap between consecutive items of the input (1 where there is none).
"""
import json
import sys
import types

import numpy as np
import torch


def intervals(times, span):
    gaps = [abs(b - a) for a, b in zip(times, times[1:]) if b != a]
    unit = min(gaps) if gaps else 1.0
    return [[min(span, int(abs(ti - tj) // unit)) for tj in times] for ti in times]


def weights_of(spec):
    return {name: torch.tensor(np.array(w["data"], dtype=np.float32).reshape(w["shape"])) for name, w in spec["weights"].items()}


def port_model(port, spec, w, width):
    args = types.SimpleNamespace(
        device="cpu", hidden_units=spec["dim"], maxlen=width, time_span=spec["time_span"],
        dropout_rate=0.0, num_blocks=spec["blocks"], num_heads=spec["heads"],
    )
    net = port.TiSASRec(1, spec["num_items"], spec["time_span"], args)
    rows = slice(spec["max_length"] - width, spec["max_length"])
    with torch.no_grad():
        net.item_emb.weight.copy_(w["item_embedding"])
        net.abs_pos_K_emb.weight.copy_(w["position_keys"][rows])
        net.abs_pos_V_emb.weight.copy_(w["position_values"][rows])
        net.time_matrix_K_emb.weight.copy_(w["interval_keys"])
        net.time_matrix_V_emb.weight.copy_(w["interval_values"])
        for b in range(spec["blocks"]):
            for norm, name in ((net.attention_layernorms[b], f"block{b}_attention_norm"), (net.forward_layernorms[b], f"block{b}_ffn_norm")):
                norm.weight.copy_(w[f"{name}_gamma"])
                norm.bias.copy_(w[f"{name}_beta"])
            attention = net.attention_layers[b]
            for linear, part in ((attention.Q_w, "query"), (attention.K_w, "key"), (attention.V_w, "value")):
                linear.weight.copy_(w[f"block{b}_attention_{part}"].T)
                linear.bias.copy_(w[f"block{b}_attention_{part}_bias"])
            ffn = net.forward_layers[b]
            for conv, part in ((ffn.conv1, "inner"), (ffn.conv2, "outer")):
                conv.weight.copy_(w[f"block{b}_ffn_{part}"].T.unsqueeze(-1))
                conv.bias.copy_(w[f"block{b}_ffn_{part}_bias"])
        net.last_layernorm.weight.copy_(w["final_norm_gamma"])
        net.last_layernorm.bias.copy_(w["final_norm_beta"])
    net.eval()
    return net


def main():
    sys.path.insert(0, sys.argv[1])
    import model as port  # the port's model.py

    with open(sys.argv[2]) as f:
        spec = json.load(f)
    w = weights_of(spec)
    every_item = np.arange(1, spec["num_items"] + 1)[None, :]
    scores = []
    for user in spec["users"]:
        items = user["items"][-spec["max_length"]:]
        times = user["times"][-spec["max_length"]:]
        net = port_model(port, spec, w, len(items))
        seq = np.array([[i + 1 for i in items]])
        matrix = np.array([intervals(times, spec["time_span"])])
        with torch.no_grad():
            scores.append(net.predict(np.array([0]), seq, matrix, every_item)[0].tolist())
    print(json.dumps({"scores": scores}))


if __name__ == "__main__":
    main()
