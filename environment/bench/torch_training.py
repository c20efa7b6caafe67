#!/usr/bin/python3
"""The peer of the training benchmark: the same GPT as org.cbtm.lm.gpt.Gpt in plain PyTorch (Debian's
python3-torch, CPU), trained with the same Adam, clipping and schedule on the token blocks and from the initial
weights that TrainingBenchmark exported. Prints one JSON line: tokens/s over the measured steps and every
step's loss.

    torch_training.py --dir build/bench/training --threads 2 --warmup 2 --steps 8
"""
import argparse
import json
import math
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def read_blocks(path):
    with open(path, "rb") as f:
        magic, steps, batch, block, vocab = struct.unpack("<5i", f.read(20))
        assert magic == 0x43425442, "not a blocks file"
        data = np.frombuffer(f.read(), dtype="<i4").astype(np.int64)
    return data.reshape(steps, batch, block + 1), vocab


def read_weights(path):
    """name -> float32 tensor, in the file's (the Java model's) order."""
    out = {}
    with open(path, "rb") as f:
        (count,) = struct.unpack("<i", f.read(4))
        for _ in range(count):
            (n,) = struct.unpack("<i", f.read(4))
            name = f.read(n).decode("utf-8")
            (dims,) = struct.unpack("<i", f.read(4))
            shape = struct.unpack("<%dq" % dims, f.read(8 * dims))
            size = int(np.prod(shape))
            out[name] = torch.from_numpy(np.frombuffer(f.read(4 * size), dtype="<f4").copy().reshape(shape))
    return out


class Gpt(torch.nn.Module):
    """Token + learned positions, pre-norm blocks (causal attention, GELU MLP), final LayerNorm, tied head."""

    def __init__(self, weights, layers, heads, dropout):
        super().__init__()
        self.p = torch.nn.ParameterDict({k.replace(".", "_"): torch.nn.Parameter(v) for k, v in weights.items()})
        self.layers, self.heads, self.dropout = layers, heads, dropout
        ctx = weights["wpe"].shape[0]
        mask = torch.full((ctx, ctx), float("-inf")).triu(1)
        self.register_buffer("mask", mask)

    def w(self, name):
        return self.p[name.replace(".", "_")]

    def ln(self, x, name):
        return F.layer_norm(x, (x.shape[-1],), self.w(name + ".gamma"), self.w(name + ".beta"), 1e-5)

    def forward(self, idx):
        b, t = idx.shape
        d = self.w("wte").shape[1]
        hd = d // self.heads
        x = F.embedding(idx, self.w("wte")) + self.w("wpe")[:t]
        x = F.dropout(x, self.dropout, self.training)
        for i in range(self.layers):
            p = "h%d." % i
            h = self.ln(x, p + "ln1")
            q, k, v = F.linear(h, self.w(p + "attn.qkv.weight"), self.w(p + "attn.qkv.bias")).split(d, dim=2)
            q = q.view(b, t, self.heads, hd).transpose(1, 2) * (1.0 / math.sqrt(hd))
            k = k.view(b, t, self.heads, hd).permute(0, 2, 3, 1)
            v = v.view(b, t, self.heads, hd).transpose(1, 2)
            att = F.dropout(torch.softmax(q @ k + self.mask[:t, :t], dim=-1), self.dropout, self.training)
            y = (att @ v).transpose(1, 2).reshape(b, t, d)
            y = F.linear(y, self.w(p + "attn.proj.weight"), self.w(p + "attn.proj.bias"))
            x = x + F.dropout(y, self.dropout, self.training)
            h = self.ln(x, p + "ln2")
            h = F.gelu(F.linear(h, self.w(p + "mlp.fc.weight"), self.w(p + "mlp.fc.bias")))
            h = F.linear(h, self.w(p + "mlp.proj.weight"), self.w(p + "mlp.proj.bias"))
            x = x + F.dropout(h, self.dropout, self.training)
        x = self.ln(x, "lnf")
        return F.linear(x, self.w("wte"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--steps", type=int, default=8)
    args = ap.parse_args()
    cfg = json.load(open(args.dir + "/config.json"))
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    blocks, vocab = read_blocks(args.dir + "/blocks.bin")
    weights = read_weights(args.dir + "/init.bin")
    model = Gpt(weights, cfg["layers"], cfg["heads"], cfg["dropout"])
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"], betas=(cfg["beta1"], cfg["beta2"]), eps=cfg["eps"],
                           weight_decay=0.0)
    total = cfg["totalSteps"]
    warmup_steps = cfg["warmupSteps"]
    losses = []
    n = args.warmup + args.steps
    if n > blocks.shape[0]:
        sys.exit("only %d exported steps, %d needed" % (blocks.shape[0], n))
    start = None
    step_seconds = []
    for step in range(n):
        if step == args.warmup:
            start = time.perf_counter()
        t0 = time.perf_counter()
        # the Java TrainConfig's schedule: linear warmup, then polynomial (power 1) decay to 0
        if step < warmup_steps:
            lr = cfg["lr"] * (step + 1) / warmup_steps
        else:
            lr = cfg["lr"] * (1 - (step - warmup_steps) / (total - warmup_steps))
        for g in opt.param_groups:
            g["lr"] = lr
        batch = torch.from_numpy(blocks[step])
        x, y = batch[:, :-1], batch[:, 1:]
        logits = model(x)
        loss = F.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg["clip"])
        opt.step()
        losses.append(loss.item())
        if step >= args.warmup:
            step_seconds.append(time.perf_counter() - t0)
    seconds = time.perf_counter() - start
    tokens = args.steps * blocks.shape[1] * (blocks.shape[2] - 1)
    print(json.dumps({"impl": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(),
                      "tokens": tokens, "seconds": seconds, "tokensPerSecond": tokens / seconds,
                      "stepSeconds": step_seconds, "losses": losses}))


if __name__ == "__main__":
    main()
