"""Shared by the PyTorch reference checks of memrec's pairwise models (ncf_forward.py, deepfm_forward.py,
wide_deep_forward.py): reads the dump of scripts/reference/pair-models-dump.ts, runs each case's network as the
paper prints it, in float64, and compares every (user, item) score with memrec's to 1e-5 (relative above 1).
"""
import json
import sys

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
TOLERANCE = 1e-5


def weights_of(case):
    return {name: torch.tensor(np.array(w["data"], dtype=np.float64).reshape(w["shape"])) for name, w in case["weights"].items()}


def linear(kernel, bias=None):
    """An nn.Linear holding memrec's [in, out] kernel (PyTorch keeps [out, in])."""
    layer = torch.nn.Linear(kernel.shape[0], kernel.shape[1], bias=bias is not None)
    with torch.no_grad():
        layer.weight.copy_(kernel.T)
        if bias is not None:
            layer.bias.copy_(bias)
    return layer


def relu_tower(w, prefix, count):
    layers = []
    for k in range(count):
        layers += [linear(w[f"{prefix}_kernel_{k}"], w[f"{prefix}_bias_{k}"]), torch.nn.ReLU()]
    return torch.nn.Sequential(*layers)


def all_pairs(case):
    users = torch.arange(case["num_users"]).repeat_interleave(case["num_items"])
    items = torch.arange(case["num_items"]).repeat(case["num_users"])
    return users, items


def main(model, forward):
    """Checks every case of `model` in the dump named on the command line; exits 1 if one differs."""
    with open(sys.argv[1]) as f:
        cases = [case for case in json.load(f)["cases"] if case["model"] == model]
    failed = False
    for case in cases:
        with torch.no_grad():
            ours = forward(case, weights_of(case)).reshape(case["num_users"], case["num_items"])
        theirs = torch.tensor(case["scores"])
        worst = float(((ours - theirs).abs() / torch.clamp(ours.abs(), min=1.0)).max())
        failed |= not worst <= TOLERANCE
        print(f"{case['label']}: {case['num_users']} users x {case['num_items']} items, largest |score| {float(ours.abs().max()):.3f}, "
              f"largest difference {worst:.2e} ({'ok' if worst <= TOLERANCE else 'FAILED'}, tolerance {TOLERANCE})")
    if not cases:
        print(f"no {model} case in the dump")
        failed = True
    sys.exit(1 if failed else 0)
