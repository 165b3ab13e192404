"""Reference check of memrec's deepfm (Guo et al., IJCAI 2017): the network of eqs. 1-6 in PyTorch with memrec's
weights, every user against every item (scripts/checks/pair-models-reference.sh drives it). Each pair is a dense
feature vector x over [users | items | words] (user and item one-hot, word w = its count / the item's length), so
the FM is computed from x as the paper prints it:

  y_FM  = <w, x> + Σ_{f<g} <V_f, V_g> x_f x_g   (the pairs summed explicitly over the nonzero features)
  y_DNN = out(ReLU tower([e_user, e_item, e_words])),  e_field = Σ_{f in field} x_f V_f
  logit = y_FM + y_DNN
"""
import torch

from pair_common import linear, main, relu_tower


def features(case):
    """[U * N, F] dense x of every (user, item) pair, F = users + items (with item_id) + words."""
    users, items, words = case["num_users"], case["num_items"], case["num_tokens"]
    with_item = case["params"]["item_id"]
    width = users + (items if with_item else 0) + words
    x = torch.zeros(users * items, width)
    for u in range(users):
        for i in range(items):
            row = x[u * items + i]
            row[u] = 1.0
            if with_item:
                row[users + i] = 1.0
            tokens = case["item_tokens"][i]
            for token in tokens:
                row[width - words + token] += 1.0 / len(tokens)
    return x


def forward(case, w):
    p = case["params"]
    with_item = p["item_id"]
    x = features(case)
    parts = ["user", "item", "word"] if with_item else ["user", "word"]
    first = torch.cat([w[f"{part}_weight"][:, 0] for part in parts])
    factors = torch.cat([w[f"{part}_factors"] for part in parts])
    fm = x @ first
    for row in range(x.shape[0]):
        active = torch.nonzero(x[row])[:, 0].tolist()
        for a in range(len(active)):
            for b in range(a + 1, len(active)):
                f, g = active[a], active[b]
                fm[row] += torch.dot(factors[f], factors[g]) * x[row, f] * x[row, g]
    sizes = [w[f"{part}_factors"].shape[0] for part in parts]
    fields = [block @ w[f"{part}_factors"] for block, part in zip(torch.split(x, sizes, dim=1), parts)]
    hidden = relu_tower(w, "deep", len(p["layers"]))(torch.cat(fields, 1))
    deep = linear(w["deep_out"], w["deep_out_bias"])(hidden)[:, 0]
    return fm + deep


if __name__ == "__main__":
    main("deepfm", forward)
