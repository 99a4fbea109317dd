"""Growing a trained scan network wider without changing what it computes (training side; needs torch).

Imported by ``networks.train`` when a run starts from a narrower network than its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from cargoscreen.imaging.networks import ScanNet


def _layout(net: ScanNet) -> dict[str, tuple[tuple[int, ...], tuple[int, ...]]]:
    """Per weighted layer of ``net``: the channel segments of its output and of its input.

    An input made by concatenation (the decoder's skip joins, the pooled mean and maximum of the class
    head) has one segment per part, and each part grows on its own when the network is widened.
    """
    w1, w2, w3, w4 = (net.width * k for k in (1, 2, 3, 4))
    convs = {
        "stem": ((w1,), (net.in_channels,)),
        "enc1.0": ((w2,), (w1,)),
        "enc1.1": ((w2,), (w2,)),
        "enc2.0": ((w3,), (w2,)),
        "enc2.1": ((w3,), (w3,)),
        "bottom.0": ((w4,), (w3,)),
        "bottom.1": ((w4,), (w4,)),
        "dec2": ((w3,), (w4, w3)),
        "dec1": ((w2,), (w3, w2)),
        "dec0": ((w1,), (w1,)),
    }
    layout: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}
    for name, (out, into) in convs.items():  # each a _conv: convolution .0, batch norm .1
        layout[f"{name}.0"], layout[f"{name}.1"] = (out, into), (out, ())
    layout["reduce"] = ((w1,), (w2,))
    layout["seg"] = ((1,), (w1,))
    layout["cls"] = ((net.n_classes,), (w4, w4))
    return layout


def state_width(state: dict[str, torch.Tensor]) -> int:
    """The width (first-layer channels) of the network a saved state belongs to."""
    return int(state["stem.0.weight"].shape[0])


def widen_state(state: dict[str, torch.Tensor], net: ScanNet) -> dict[str, torch.Tensor]:
    """The state of a narrower ScanNet placed into ``net``'s shape, computing the same function.

    Each old channel keeps its weights; a new channel keeps ``net``'s fresh random weights into it, but
    its weights into every old channel are zero, so at the start the wider network's outputs are the old
    one's exactly, and training decides what the new channels add (their outgoing weights get gradients
    at once). New batch-norm channels start as identity statistics.
    """
    narrow = type(net)(net.in_channels, net.n_classes, width=state_width(state))
    old_layout, new_layout, shapes = _layout(narrow), _layout(net), narrow.state_dict()
    if state.keys() != shapes.keys():
        raise ValueError("the starting state is not a ScanNet's")
    wide = {key: value.clone() for key, value in net.state_dict().items()}
    for key, old in state.items():
        layer, _, param = key.rpartition(".")
        if param == "num_batches_tracked":
            wide[key] = old.clone()
            continue
        (outs_old, ins_old), (outs_new, ins_new) = old_layout[layer], new_layout[layer]
        if old.shape != shapes[key].shape:
            raise ValueError(f"the starting state's {key} has shape {tuple(old.shape)}")
        target = wide[key]
        o_old = o_new = 0
        for size_old, size_new in zip(outs_old, outs_new, strict=True):
            rows_new = slice(o_new, o_new + size_old)
            if old.dim() == 1:
                target[rows_new] = old[o_old : o_old + size_old]
            else:
                target[rows_new] = 0.0  # old outputs do not listen to new inputs
                i_old = i_new = 0
                for part_old, part_new in zip(ins_old, ins_new, strict=True):
                    block = old[o_old : o_old + size_old, i_old : i_old + part_old]
                    target[rows_new, i_new : i_new + part_old] = block
                    i_old, i_new = i_old + part_old, i_new + part_new
            o_old, o_new = o_old + size_old, o_new + size_new
    return wide
