#!/usr/bin/env python3
"""Writes the test fixtures that are not copies of the digits sample's files, with NumPy and h5py themselves.

Run with Debian's python3-numpy and python3-h5py:  /usr/bin/python3 make_fixtures.py
Inputs: weights.safetensors (the digits network, Keras names), copied from samples/Digits/data.
"""
import json
import struct

import h5py
import numpy as np


def read_safetensors(path):
    data = open(path, "rb").read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        out[name] = np.frombuffer(data[8 + n + begin:8 + n + end], dtype="<f4").reshape(entry["shape"])
    return out


def write_safetensors(path, tensors):
    """The safetensors layout: 8-byte header length, JSON header, data (tensors in name order)."""
    codes = {np.dtype("<f4"): "F32", np.dtype("<f2"): "F16", np.dtype("<f8"): "F64", np.dtype("<i4"): "I32"}
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        array = np.ascontiguousarray(tensors[name])
        blob = array.tobytes()
        header[name] = {"dtype": codes[array.dtype], "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


keras_order = ["conv2d/kernel", "conv2d/bias", "conv2d_1/kernel", "conv2d_1/bias", "dense/kernel", "dense/bias"]
digits = read_safetensors("weights.safetensors")

# np.savez(path, *model.get_weights()): arrays arr_0, arr_1, ... in Keras order.
np.savez("weights_positional.npz", *[digits[k] for k in keras_order])
# Other dtypes and layouts NumPy writes: float64, float16, Fortran order, big-endian.
np.savez("weights_float64.npz", **{k: digits[k].astype("<f8") for k in keras_order})
np.savez("weights_float16.npz", **{k: digits[k].astype("<f2") for k in keras_order})
np.savez_compressed("weights_fortran_bigendian.npz", **{k: np.asfortranarray(digits[k].astype(">f4")) for k in keras_order})
np.savez("weights_int32.npz", **{k: (digits[k] * 0).astype("<i4") for k in keras_order})

# A Keras 3 model.save_weights() file, laid out as keras/src/saving/saving_lib.py (H5IOStore) writes a Sequential:
# layers/<snake_case class>[_n]/vars/<i>, an empty vars group per weightless layer and for the model, and the
# optimizer's state outside layers/.
with h5py.File("digits.weights.h5", "w") as f:
    f.create_group("vars")
    for layer, names in [("conv2d", ["conv2d/kernel", "conv2d/bias"]), ("max_pooling2d", []),
                         ("conv2d_1", ["conv2d_1/kernel", "conv2d_1/bias"]), ("flatten", []),
                         ("dense", ["dense/kernel", "dense/bias"])]:
        group = f.create_group("layers/" + layer).create_group("vars")
        for i, name in enumerate(names):
            group[str(i)] = digits[name]
    optimizer = f.create_group("optimizer").create_group("vars")
    optimizer["0"] = np.array(1200, dtype="<i8")
    optimizer["1"] = np.zeros((3, 3, 1, 16), dtype="<f4")

# A small network for the fuzz tests (TinyNet): Input(4, 4, 1) → Conv2D(2, 3) → Flatten → Dense(3): 20 + 27 = 47 parameters.
rng = np.random.default_rng(7)
tiny = {
    "conv2d/kernel": rng.standard_normal((3, 3, 1, 2)).astype("<f4"),
    "conv2d/bias": rng.standard_normal(2).astype("<f4"),
    "dense/kernel": rng.standard_normal((8, 3)).astype("<f4"),
    "dense/bias": rng.standard_normal(3).astype("<f4"),
}
tiny_order = ["conv2d/kernel", "conv2d/bias", "dense/kernel", "dense/bias"]
np.concatenate([tiny[k].ravel() for k in tiny_order]).astype("<f4").tofile("tiny.bin")
np.savez("tiny.npz", **tiny)
np.savez_compressed("tiny_compressed.npz", **tiny)
write_safetensors("tiny.safetensors", tiny)
write_safetensors("tiny_pytorch.safetensors", {
    "conv.weight": tiny["conv2d/kernel"].transpose(3, 2, 0, 1),
    "conv.bias": tiny["conv2d/bias"],
    # The Flatten sees (2, 2, 2): PyTorch flattens it channels first.
    "fc.weight": tiny["dense/kernel"].reshape(2, 2, 2, 3).transpose(3, 2, 0, 1).reshape(3, 8),
    "fc.bias": tiny["dense/bias"],
})
with h5py.File("tiny.weights.h5", "w") as f:
    for layer, names in [("conv2d", ["conv2d/kernel", "conv2d/bias"]), ("flatten", []), ("dense", ["dense/kernel", "dense/bias"])]:
        group = f.create_group("layers/" + layer).create_group("vars")
        for i, name in enumerate(names):
            group[str(i)] = tiny[name]
