"""Reference check of memrec's wide_deep (Cheng et al., DLRS 2016): the joint model of eq. 3 in PyTorch with
memrec's weights, every user against every item (scripts/checks/pair-models-reference.sh drives it).

  wide  = b + w_user[u] + w_item[i] + Σ_{distinct words w of i} (w_word[w] + cross[(a_u + b_w) mod rows])
  deep  = w_deepᵀ ReLU tower([E_user[u], E_item[i], mean over i's tokens of E_word])
  logit = wide + deep
The cross-product rows (a_u, b_w, rows) are memrec's, from the dump; the sum over each pair's features is
written out feature by feature.
"""
import torch

from pair_common import all_pairs, linear, main, relu_tower


def forward(case, w):
    p = case["params"]
    with_item = p["item_id"]
    hash_ = case["hash"]
    users, items = all_pairs(case)
    wide = torch.zeros(users.shape[0])
    for row, (u, i) in enumerate(zip(users.tolist(), items.tolist())):
        total = w["bias"][0] + w["user_weight"][u, 0]
        if with_item:
            total = total + w["item_weight"][i, 0]
        for word in sorted(set(case["item_tokens"][i])):
            total = total + w["word_weight"][word, 0] + w["cross_weight"][(hash_["user"][u] + hash_["word"][word]) % hash_["rows"]]
        wide[row] = total
    word_mean = torch.stack([
        w["word_embedding"][tokens].mean(0) if tokens else torch.zeros(p["dim"])
        for tokens in case["item_tokens"]
    ])
    fields = [w["user_embedding"][users]] + ([w["item_embedding"][items]] if with_item else []) + [word_mean[items]]
    hidden = relu_tower(w, "deep", len(p["layers"]))(torch.cat(fields, 1))
    return wide + linear(w["deep_out"])(hidden)[:, 0]


if __name__ == "__main__":
    main("wide_deep", forward)
