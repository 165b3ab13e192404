"""Reference check of memrec's shan forward pass: SHAN (Ying et al., IJCAI 2018, eqs. 1-7) written out in
PyTorch (torch.nn.Linear layers, float64), run with memrec's weights on each user alone, without padding.

Run with Debian's python3-torch as /usr/bin/python3 (scripts/reference/shan-forward.sh drives it).

`shan_forward.py INPUT.json` reads {keys: {dim, max_length, session_gap}, weights: {name: {shape, data}},
users: [{user, items, times}]} (items 0-based, times in seconds) and prints {"scores": [[...]]}, each user's
score of every item.
"""
import json
import sys

import numpy as np
import torch

from sessions import split


def main():
    spec = json.load(open(sys.argv[1]))
    keys = spec["keys"]
    w = {name: torch.tensor(np.array(v["data"], dtype=np.float64).reshape(v["shape"])) for name, v in spec["weights"].items()}
    dim = keys["dim"]
    long_layer = torch.nn.Linear(dim, dim).double()
    hybrid_layer = torch.nn.Linear(dim, dim).double()
    with torch.no_grad():
        for layer, name in ((long_layer, "long"), (hybrid_layer, "hybrid")):
            layer.weight.copy_(w[f"{name}_kernel"].T)
            layer.bias.copy_(w[f"{name}_bias"])
    items_table = w["item_embedding"]
    scores = []
    with torch.no_grad():
        for user in spec["users"]:
            items = user["items"][-keys["max_length"]:]
            times = user["times"][-keys["max_length"]:]
            earlier, session = split(times, keys["session_gap"], len(times))
            u = w["user_embedding"][user["user"]]
            v = items_table[torch.tensor(items, dtype=torch.long)]
            if earlier:
                long_items = v[earlier]
                alpha = torch.softmax(torch.relu(long_layer(long_items)) @ u, 0)
                u_long = alpha @ long_items
            else:
                u_long = torch.zeros(dim, dtype=torch.float64)
            x = torch.cat([u_long[None, :], v[session]], 0)
            beta = torch.softmax(torch.relu(hybrid_layer(x)) @ u, 0)
            scores.append((items_table @ (beta @ x)).tolist())
    print(json.dumps({"scores": scores}))


if __name__ == "__main__":
    main()
