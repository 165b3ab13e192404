"""Reference check of memrec's ncf (NeuMF, He et al., WWW 2017): the network of eqs. 9, 10 and 12 in PyTorch with
memrec's weights, every user against every item (scripts/checks/pair-models-reference.sh drives it).

  GMF    φ_G = p_u ⊙ q_i
  MLP    φ_M = ReLU tower over [p'_u; q'_i]
  NeuMF  ŷ = hᵀ [φ_G; φ_M] + b  (the logit), h = [α h_G; (1 − α) h_M], b = α b_G + (1 − α) b_M
"""
import torch

from pair_common import linear, main, relu_tower, all_pairs


def forward(case, w):
    p = case["params"]
    alpha = p["alpha"]
    users, items = all_pairs(case)
    gmf = torch.nn.Embedding.from_pretrained(w["gmf_user"])(users) * torch.nn.Embedding.from_pretrained(w["gmf_item"])(items)
    mlp_input = torch.cat([torch.nn.Embedding.from_pretrained(w["mlp_user"])(users), torch.nn.Embedding.from_pretrained(w["mlp_item"])(items)], 1)
    mlp = relu_tower(w, "mlp", len(p["layers"]))(mlp_input)
    h = torch.cat([alpha * w["gmf_out"], (1 - alpha) * w["mlp_out"]], 0)
    b = alpha * w["gmf_bias"] + (1 - alpha) * w["mlp_bias"]
    return linear(h, b)(torch.cat([gmf, mlp], 1))


if __name__ == "__main__":
    main("ncf", forward)
