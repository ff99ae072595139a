#!/usr/bin/python3
"""Convert a PyTorch state_dict to a pinnbench parameter file.

    scripts/import-state-dict.py MODEL.pt OUT.h5

MODEL.pt is anything torch.save wrote of a model's parameters: a state_dict, a
dict holding one under 'state_dict' or 'model', or a whole nn.Module. OUT.h5
gets the result file's parameter layout, which runs read through
`model: {initial_parameters: OUT.h5}`:

    /run/parameters/<name>    one dataset per tensor, its PyTorch shape
                              (0-d tensors become [1]), float32 or float64 as stored
    /run/parameters@order     the names, comma-separated, in state_dict order
    /@format                  "pinnbench-parameters 1"
    /@source                  MODEL.pt as given

pinnbench checks names, order and shapes against the model it builds (the
models use PyTorch's named_parameters() names), so a mismatch stops the suite
before any run. Needs Debian's python3-torch and python3-h5py.
"""
import argparse
import sys

import h5py
import numpy as np
import torch


def state_dict_of(obj, path):
    if isinstance(obj, torch.nn.Module):
        return obj.state_dict()
    if isinstance(obj, dict):
        for key in ("state_dict", "model"):
            if key in obj and isinstance(obj[key], dict):
                return obj[key]
        if all(isinstance(v, torch.Tensor) for v in obj.values()):
            return obj
    sys.exit("import-state-dict: %s: no state_dict found (expected a dict of tensors, "
             "a dict with 'state_dict' or 'model', or an nn.Module)" % path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", help="file written by torch.save")
    parser.add_argument("out", help="HDF5 parameter file to write")
    args = parser.parse_args()
    try:
        obj = torch.load(args.model, map_location="cpu")
    except Exception as error:  # torch raises many kinds for unreadable files
        sys.exit("import-state-dict: %s: cannot load it with torch.load: %s" % (args.model, error))
    state = state_dict_of(obj, args.model)
    if not state:
        sys.exit("import-state-dict: %s: the state_dict is empty" % args.model)
    for name in state:
        if "," in name or "/" in name:
            sys.exit("import-state-dict: %s: tensor name %r cannot be stored" % (args.model, name))
    with h5py.File(args.out, "w", track_order=True) as out:
        out.attrs["format"] = "pinnbench-parameters 1"
        out.attrs["source"] = args.model
        group = out.create_group("run", track_order=True).create_group("parameters", track_order=True)
        for name, tensor in state.items():
            array = tensor.detach().cpu().numpy()
            if array.dtype not in (np.float32, np.float64):
                array = array.astype(np.float64)
            group.create_dataset(name, data=array.reshape(array.shape or (1,)))
        group.attrs["order"] = ",".join(state.keys())
    total = sum(t.numel() for t in state.values())
    print("%s: %d tensors, %d parameters -> %s" % (args.model, len(state), total, args.out))


if __name__ == "__main__":
    main()
