"""The downstream benchmark's small GPT (Debian's python3-torch; run with the system python3).

Subcommands (every file is written by bench/lib/downstream/*.ts; token files are little-endian uint16, offset files
int64 with one more entry than documents):

  pretrain   --dir D            trains the GPT on D/pretrain.u16 per D/build.json, writes D/weights.pt and the model
                                folder D/model/ (model.onnx with input_ids, attention_mask -> logits; config.json)
  export     --dir D            writes the model folder D/model/ from D/weights.pt and D/build.json (a committed build)
  score      --dir D --docs F --offsets F --max-tokens N --out F
                                per document: summed next-token NLL (nats) and scored tokens over its first N tokens
                                (float64 pairs), the reference's true loss on every document (the oracle)
  train-eval --dir D --jobs F --out F
                                per job (a token file of a selection packed to the budget): a fresh copy of the
                                pretrained model, one pass of continued training, then its loss on the target tokens;
                                one JSON line per job, appended as each finishes

Deterministic: seeds fixed, threads fixed (2).
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)


class Block(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.ln2 = nn.LayerNorm(width)
        self.fc = nn.Linear(width, 4 * width)
        self.out = nn.Linear(4 * width, width)

    def forward(self, x, bias):
        b, t, d = x.shape
        h = self.heads
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        q = q.view(b, t, h, d // h).transpose(1, 2)
        k = k.view(b, t, h, d // h).transpose(1, 2)
        v = v.view(b, t, h, d // h).transpose(1, 2)
        att = torch.softmax((q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(d // h)) + bias, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.proj(y)
        return x + self.out(F.gelu(self.fc(self.ln2(x))))


class GPT(nn.Module):
    def __init__(self, vocab, width, layers, heads, context):
        super().__init__()
        self.wte = nn.Embedding(vocab, width)
        self.wpe = nn.Embedding(context, width)
        self.blocks = nn.ModuleList([Block(width, heads) for _ in range(layers)])
        self.ln = nn.LayerNorm(width)
        self.register_buffer("causal", torch.tril(torch.ones(context, context, dtype=torch.bool)), persistent=False)
        for name, p in self.named_parameters():
            if p.dim() >= 2:
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * layers) if name.endswith(("proj.weight", "out.weight")) else 0.02)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, input_ids, attention_mask):
        t = input_ids.shape[1]
        pos = torch.arange(t, device=input_ids.device)
        x = self.wte(input_ids) + self.wpe(pos)[None]
        allowed = self.causal[:t, :t][None, None] & (attention_mask[:, None, None, :] > 0)
        bias = torch.where(allowed, torch.zeros((), dtype=x.dtype), torch.full((), -1e9, dtype=x.dtype))
        for blk in self.blocks:
            x = blk(x, bias)
        return self.ln(x) @ self.wte.weight.t()


def build_model(cfg):
    return GPT(cfg["vocab"], cfg["width"], cfg["layers"], cfg["heads"], cfg["context"])


def params(model):
    return sum(p.numel() for p in model.parameters())


def rows_of(tokens, context):
    """A token stream cut into rows of `context` tokens (the tail that does not fill a row is dropped)."""
    n = (len(tokens) // context) * context
    return torch.from_numpy(tokens[:n].astype(np.int64)).view(-1, context)


def train_pass(model, rows, batch, lr, warmup, seed, log_every=0):
    """One pass over `rows` in a seeded order: AdamW, linear warmup then linear decay to 0. Returns the mean loss."""
    g = torch.Generator().manual_seed(seed)
    order = torch.randperm(rows.shape[0], generator=g)
    steps = max(1, math.ceil(rows.shape[0] / batch))
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.95), weight_decay=0.1)
    model.train()
    total = 0.0
    ones = None
    for s in range(steps):
        idx = order[s * batch : (s + 1) * batch]
        x = rows[idx]
        if ones is None or ones.shape != x.shape:
            ones = torch.ones_like(x)
        frac = (s + 1) / max(1, round(warmup * steps)) if s < warmup * steps else (steps - s) / max(1, steps - warmup * steps)
        for group in opt.param_groups:
            group["lr"] = lr * max(0.0, min(1.0, frac))
        logits = model(x[:, :-1], ones[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), x[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        total += loss.item()
        if log_every and (s + 1) % log_every == 0:
            print(f"  step {s + 1}/{steps} loss {total / (s + 1):.3f}", file=sys.stderr, flush=True)
    return total / steps


def token_nll(logits, targets):
    """Next-token NLL (nats) per position: logsumexp of the logits minus the target's logit (float32)."""
    return torch.logsumexp(logits, dim=-1) - logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1)


@torch.no_grad()
def eval_rows(model, rows, token_bytes, batch=32):
    """Summed NLL (nats), predicted tokens and their UTF-8 bytes over rows (each row predicts tokens 1..n-1)."""
    model.eval()
    nll = 0.0
    count = 0
    nbytes = 0
    for i in range(0, rows.shape[0], batch):
        x = rows[i : i + batch]
        logits = model(x[:, :-1], torch.ones_like(x[:, :-1]))
        tgt = x[:, 1:]
        nll += token_nll(logits, tgt).double().sum().item()
        count += tgt.numel()
        nbytes += int(token_bytes[tgt.numpy()].sum())
    return nll, count, nbytes


def cmd_pretrain(args):
    d = args.dir
    build = json.load(open(os.path.join(d, "build.json")))
    cfg = build["model"]
    torch.manual_seed(build["seed"])
    model = build_model(cfg)
    tokens = np.fromfile(os.path.join(d, "pretrain.u16"), dtype="<u2")
    rows = rows_of(tokens, cfg["context"] + 1)
    t0 = time.time()
    for epoch in range(build["epochs"]):
        loss = train_pass(model, rows, build["batch"], build["lr"], build["warmup"], build["seed"] + epoch, log_every=50)
        print(f"epoch {epoch + 1}/{build['epochs']}: train loss {loss:.3f} nats/token ({time.time() - t0:.0f} s)", file=sys.stderr, flush=True)
    torch.save(model.state_dict(), os.path.join(d, "weights.pt"))
    export_model(d, model, cfg)
    json.dump({"params": params(model), "train_loss": loss, "seconds": time.time() - t0}, open(os.path.join(d, "pretrain-result.json"), "w"))


def export_model(d, model, cfg):
    """Writes the HF/Optimum model folder D/model/: model.onnx (input_ids, attention_mask -> logits) and config.json."""
    out = os.path.join(d, "model")
    os.makedirs(out, exist_ok=True)
    model.eval()
    ids = torch.ones(2, 8, dtype=torch.int64)
    torch.onnx.export(
        model,
        (ids, torch.ones_like(ids)),
        os.path.join(out, "model.onnx"),
        input_names=["input_ids", "attention_mask"],
        output_names=["logits"],
        dynamic_axes={n: {0: "batch", 1: "sequence"} for n in ["input_ids", "attention_mask", "logits"]},
        opset_version=14,
    )
    config = {
        "model_type": "gpt2",
        "architectures": ["GPT2LMHeadModel"],
        "vocab_size": cfg["vocab"],
        "n_embd": cfg["width"],
        "n_layer": cfg["layers"],
        "n_head": cfg["heads"],
        "n_positions": cfg["context"],
        "max_position_embeddings": cfg["context"],
        "bos_token_id": cfg["bos"],
        "eos_token_id": cfg["bos"],
        "pad_token_id": cfg["bos"],
    }
    json.dump(config, open(os.path.join(out, "config.json"), "w"), indent=2)


def cmd_export(args):
    build, model, _ = load_pretrained(args.dir)
    export_model(args.dir, model, build["model"])


def load_pretrained(d):
    build = json.load(open(os.path.join(d, "build.json")))
    model = build_model(build["model"])
    state = torch.load(os.path.join(d, "weights.pt"))
    model.load_state_dict(state)
    return build, model, state


@torch.no_grad()
def cmd_score(args):
    _, model, _ = load_pretrained(args.dir)
    model.eval()
    tokens = np.fromfile(args.docs, dtype="<u2").astype(np.int64)
    offs = np.fromfile(args.offsets, dtype="<i8")
    n = len(offs) - 1
    lens = np.minimum(offs[1:] - offs[:-1], args.max_tokens)
    out = np.zeros((n, 2), dtype=np.float64)
    order = np.argsort(lens, kind="stable")
    budget = 8192  # tokens per batch
    i = 0
    t0 = time.time()
    while i < n:
        longest = max(2, int(lens[order[min(n - 1, i)]]))
        j = i
        while j < n and (j - i + 1) * max(longest, int(lens[order[j]])) <= budget:
            longest = max(longest, int(lens[order[j]]))
            j += 1
        j = max(j, i + 1)
        batch = order[i:j]
        length = int(max(2, lens[batch].max()))
        x = np.zeros((len(batch), length), dtype=np.int64)
        m = np.zeros((len(batch), length), dtype=np.int64)
        for r, doc in enumerate(batch):
            k = int(lens[doc])
            x[r, :k] = tokens[offs[doc] : offs[doc] + k]
            m[r, :k] = 1
        xt = torch.from_numpy(x)
        mt = torch.from_numpy(m)
        nll = (token_nll(model(xt, mt)[:, :-1], xt[:, 1:]) * mt[:, 1:]).double().sum(dim=1)
        for r, doc in enumerate(batch):
            out[doc, 0] = nll[r].item()
            out[doc, 1] = max(0, int(lens[doc]) - 1)
        i = j
    out.astype("<f8").tofile(args.out)
    print(f"scored {n} documents in {time.time() - t0:.0f} s", file=sys.stderr, flush=True)


def cmd_train_eval(args):
    build, model, state = load_pretrained(args.dir)
    jobs = json.load(open(args.jobs))
    ctx = build["model"]["context"] + 1
    token_bytes = np.fromfile(os.path.join(args.dir, "token-bytes.u16"), dtype="<u2").astype(np.int64)
    target = rows_of(np.fromfile(jobs["target"], dtype="<u2"), ctx)
    done = set()
    if os.path.exists(args.out):
        for line in open(args.out):
            if line.strip():
                done.add(json.loads(line)["name"])
    with open(args.out, "a") as out:
        if "__pretrained__" not in done:
            nll, count, nbytes = eval_rows(model, target, token_bytes)
            out.write(json.dumps({"name": "__pretrained__", "nll": nll, "tokens": count, "bytes": nbytes, "seconds": 0}) + "\n")
            out.flush()
        for job in jobs["jobs"]:
            if job["name"] in done:
                continue
            t0 = time.time()
            torch.manual_seed(jobs["seed"])
            model.load_state_dict(state)
            rows = rows_of(np.fromfile(job["tokens"], dtype="<u2"), ctx)
            train_loss = train_pass(model, rows, jobs["batch"], jobs["lr"], jobs["warmup"], jobs["seed"])
            nll, count, nbytes = eval_rows(model, target, token_bytes)
            rec = {"name": job["name"], "nll": nll, "tokens": count, "bytes": nbytes, "trainRows": int(rows.shape[0]), "trainLoss": train_loss, "seconds": time.time() - t0}
            out.write(json.dumps(rec) + "\n")
            out.flush()
            print(f"  {job['name']}: target {nll / nbytes:.4f} nats/byte ({time.time() - t0:.0f} s)", file=sys.stderr, flush=True)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("pretrain")
    a.add_argument("--dir", required=True)
    a = sub.add_parser("export")
    a.add_argument("--dir", required=True)
    a = sub.add_parser("score")
    a.add_argument("--dir", required=True)
    a.add_argument("--docs", required=True)
    a.add_argument("--offsets", required=True)
    a.add_argument("--max-tokens", type=int, required=True)
    a.add_argument("--out", required=True)
    a = sub.add_parser("train-eval")
    a.add_argument("--dir", required=True)
    a.add_argument("--jobs", required=True)
    a.add_argument("--out", required=True)
    args = p.parse_args()
    {"pretrain": cmd_pretrain, "export": cmd_export, "score": cmd_score, "train-eval": cmd_train_eval}[args.cmd](args)


if __name__ == "__main__":
    main()
