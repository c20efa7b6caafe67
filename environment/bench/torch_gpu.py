#!/usr/bin/env python3
"""The PyTorch peer of the GPU check (org.cbtm.bench.GpuCheck): the model of torch_training.py (the same GPT as
org.cbtm.lm.gpt.Gpt) trained on the blocks and from the initial weights GpuCheck exported, with the same Adam,
clipping and schedule, on --device (cuda or cpu) in --precision fp32 or bf16 (torch.autocast: bf16 matmuls, fp32
weights, optimiser and reductions). Prints one JSON line: tokens/s over the timed steps and every step's loss.

    torch_gpu.py --dir build/gpu-bundle/data/work --device cuda --precision bf16 --warmup 3 --steps 20
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_training import Gpt, read_blocks, read_weights  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    ap.add_argument("--threads", type=int, default=0, help="CPU threads (0: PyTorch's default)")
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--steps", type=int, default=20)
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    dev = torch.device(args.device)
    cfg = json.load(open(os.path.join(args.dir, "config.json")))
    blocks, vocab = read_blocks(os.path.join(args.dir, "blocks.bin"))
    weights = read_weights(os.path.join(args.dir, "init.bin"))
    model = Gpt(weights, cfg["layers"], cfg["heads"], cfg["dropout"]).to(dev)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"], betas=(cfg["beta1"], cfg["beta2"]), eps=cfg["eps"],
                           weight_decay=0.0)
    total, warmup_steps = cfg["totalSteps"], cfg["warmupSteps"]
    n = args.warmup + args.steps
    if n > blocks.shape[0]:
        sys.exit("only %d exported steps, %d needed" % (blocks.shape[0], n))

    def sync():
        if dev.type == "cuda":
            torch.cuda.synchronize()

    losses = []
    start = None
    for step in range(n):
        if step == args.warmup:
            sync()
            start = time.perf_counter()
        lr = cfg["lr"] * (step + 1) / warmup_steps if step < warmup_steps else \
            cfg["lr"] * (1 - (step - warmup_steps) / (total - warmup_steps))
        for g in opt.param_groups:
            g["lr"] = lr
        batch = torch.from_numpy(blocks[step]).to(dev)
        x, y = batch[:, :-1], batch[:, 1:]
        with torch.autocast(device_type=dev.type, dtype=torch.bfloat16, enabled=args.precision == "bf16"):
            logits = F.linear(model.hidden(x), model.w("wte"))
        loss = F.cross_entropy(logits.float().reshape(-1, vocab), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), cfg["clip"])
        opt.step()
        losses.append(loss.item())  # one host sync per step, as the Java trainer's log interval 1
    sync()
    seconds = time.perf_counter() - start
    tokens = args.steps * blocks.shape[1] * (blocks.shape[2] - 1)
    name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu"
    print(json.dumps({"impl": "pytorch", "version": torch.__version__, "device": name, "precision": args.precision,
                      "tokens": tokens, "seconds": seconds, "tokensPerSecond": tokens / seconds, "losses": losses}))


if __name__ == "__main__":
    main()
