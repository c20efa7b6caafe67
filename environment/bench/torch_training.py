#!/usr/bin/python3
"""The peer of the training and MoE benchmarks: the same GPT as org.cbtm.lm.gpt.Gpt (with the MoE layers of
org.cbtm.lm.moe.MoeLayer when config.json has "moe") in plain PyTorch (Debian's
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

    def __init__(self, weights, layers, heads, dropout, moe=None):
        super().__init__()
        self.moe = moe
        self.aux = []
        self.p = torch.nn.ParameterDict({k.replace(".", "_"): torch.nn.Parameter(v) for k, v in weights.items()})
        self.layers, self.heads, self.dropout = layers, heads, dropout
        ctx = weights["wpe"].shape[0]
        mask = torch.full((ctx, ctx), float("-inf")).triu(1)
        self.register_buffer("mask", mask)

    def w(self, name):
        return self.p[name.replace(".", "_")]

    def ln(self, x, name):
        return F.layer_norm(x, (x.shape[-1],), self.w(name + ".gamma"), self.w(name + ".beta"), 1e-5)

    def moe_ffn(self, h, p):
        """The MoE layer of org.cbtm.lm.moe.MoeLayer, dispatched the same way: top-k token choice on the host (ties to
        the lower expert), capacity ceil(cf * n / E) while training filled first choices first in token order, each
        expert's tokens gathered and run through its FFN, one zero row for dropped slots, outputs gathered back per
        slot and weighted by the renormalised gates; the balancing loss E * sum f_e P_e goes to self.aux."""
        shape, d = h.shape, h.shape[-1]
        x = h.reshape(-1, d)
        n = x.shape[0]
        e_count, k = self.moe["experts"], self.moe["topK"]
        logits = F.linear(x.float(), self.w(p + "router.weight"))
        probs = torch.softmax(logits, dim=-1)
        pn = probs.detach().numpy()
        choice = np.argsort(-pn, axis=1, kind="stable")[:, :k]
        first = np.bincount(choice[:, 0], minlength=e_count)
        cap = min(n, math.ceil(self.moe["capacityFactor"] * n / e_count)) if self.training else n
        count = np.zeros(e_count, dtype=np.int64)
        slot_expert = np.full((n, k), -1, dtype=np.int64)
        slot_rank = np.zeros((n, k), dtype=np.int64)
        for j in range(k):
            ex = choice[:, j]
            for e in range(e_count):
                idx = np.nonzero(ex == e)[0]
                ranks = count[e] + np.arange(len(idx))
                keep = ranks < cap
                slot_expert[idx[keep], j] = e
                slot_rank[idx[keep], j] = ranks[keep]
                count[e] += int(keep.sum())
        offset = np.concatenate([[0], np.cumsum(count)])
        outputs = []
        for e in range(e_count):
            if count[e] == 0:
                continue
            tokens = np.zeros(count[e], dtype=np.int64)
            for j in range(k):
                sel = slot_expert[:, j] == e
                tokens[slot_rank[sel, j]] = np.nonzero(sel)[0]
            rows = x.index_select(0, torch.from_numpy(tokens))
            q = "e%d." % e
            up = F.gelu(F.linear(rows, self.w(p + q + "fc.weight"), self.w(p + q + "fc.bias")))
            outputs.append(F.linear(up, self.w(p + q + "proj.weight"), self.w(p + q + "proj.bias")))
        outputs.append(x.new_zeros(1, d))
        stacked = torch.cat(outputs, 0)
        gates = probs.gather(1, torch.from_numpy(choice.astype(np.int64)))
        if k > 1:
            gates = gates / gates.sum(1, keepdim=True)
        y = None
        for j in range(k):
            rows_of = np.where(slot_expert[:, j] >= 0, offset[np.maximum(slot_expert[:, j], 0)] + slot_rank[:, j],
                               offset[-1])
            part = stacked.index_select(0, torch.from_numpy(rows_of.astype(np.int64))) * gates[:, j:j + 1]
            y = part if y is None else y + part
        if self.training and self.moe["balanceWeight"] > 0:
            f = torch.from_numpy((first / n).astype(np.float32))
            self.aux.append((probs.mean(0) * f).sum() * (self.moe["balanceWeight"] * e_count))
        return y.reshape(shape)

    def forward(self, idx):
        return F.linear(self.hidden(idx), self.w("wte"))

    def hidden(self, idx):
        """Hidden states after the final LayerNorm (the part before the tied output layer)."""
        self.aux = []
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
            if self.moe is not None and i in self.moe["blocks"]:
                h = self.moe_ffn(h, p + "moe.")
            else:
                h = F.gelu(F.linear(h, self.w(p + "mlp.fc.weight"), self.w(p + "mlp.fc.bias")))
                h = F.linear(h, self.w(p + "mlp.proj.weight"), self.w(p + "mlp.proj.bias"))
            x = x + F.dropout(h, self.dropout, self.training)
        return self.ln(x, "lnf")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--phases", action="store_true",
                    help="also time the parts of each step: blocks, output layer + loss, backward, clipping, Adam")
    args = ap.parse_args()
    cfg = json.load(open(args.dir + "/config.json"))
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    blocks, vocab = read_blocks(args.dir + "/blocks.bin")
    weights = read_weights(args.dir + "/init.bin")
    model = Gpt(weights, cfg["layers"], cfg["heads"], cfg["dropout"], cfg.get("moe"))
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
    phases = {"blocks": [], "head": [], "backward": [], "clip": [], "adam": []}
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
        marks = [time.perf_counter()]
        h = model.hidden(x)
        marks.append(time.perf_counter())
        loss = F.cross_entropy(F.linear(h, model.w("wte")).reshape(-1, vocab), y.reshape(-1))
        for aux in model.aux:  # the MoE layers' weighted balancing losses, as the Java trainer adds them
            loss = loss + aux
        marks.append(time.perf_counter())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        marks.append(time.perf_counter())
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg["clip"])
        marks.append(time.perf_counter())
        opt.step()
        marks.append(time.perf_counter())
        if step >= args.warmup:
            for name, a, b in zip(phases, marks, marks[1:]):
                phases[name].append(b - a)
        losses.append(loss.item())
        if step >= args.warmup:
            step_seconds.append(time.perf_counter() - t0)
    seconds = time.perf_counter() - start
    tokens = args.steps * blocks.shape[1] * (blocks.shape[2] - 1)
    print(json.dumps({"impl": "pytorch", "version": torch.__version__, "threads": torch.get_num_threads(),
                      "tokens": tokens, "seconds": seconds, "tokensPerSecond": tokens / seconds,
                      "stepSeconds": step_seconds, "losses": losses,
                      **({"phaseSeconds": phases} if args.phases else {})}))


if __name__ == "__main__":
    main()
