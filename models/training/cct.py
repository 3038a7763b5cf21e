"""CCT-XS plate recogniser (fast-plate-ocr's `cct_xs_v1` architecture) in PyTorch.

Built from the architecture facts in ../shared/models/README.md and the published ONNX graph:
uint8 RGB NHWC [N,64,128,3] -> /255 -> conv tokenizer (3x3 valid convs 32-48-64-80-96 with ReLU,
two max-blur-pool /2 steps) -> 2x2 patches (65 tokens of 384) -> dense(64)+GELU -> + positional
embedding -> 4 transformer blocks (DyT norm, 1-head attention, MLP 64-64 with GELU on both
layers) -> a 4-head attention "token reducer" with 9 learned query tokens -> dense(37) + softmax.
`load_onnx_weights` copies the published initialisers into this module (read with python3-onnx).
"""
from __future__ import annotations


import torch
import torch.nn as nn
import torch.nn.functional as F

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_"  # "_" pads plates shorter than 9 slots
PAD = len(ALPHABET) - 1
SLOTS = 9
IN_H, IN_W = 64, 128
# Region head (the project's addition): where the plate is from, predicted from the mean of the
# encoder tokens (a second ONNX output); the country inside Europe comes from text formats.
REGIONS = ["us", "br", "ar", "eu", "ro"]


def _gelu(x):
    return F.gelu(x)  # erf form, as in the published graph


class DyT(nn.Module):
    """Dynamic tanh normalisation: gamma * tanh(alpha * x) + beta."""

    def __init__(self, dim: int):
        super().__init__()
        self.alpha = nn.Parameter(torch.tensor(0.5))
        self.gamma = nn.Parameter(torch.ones(dim))
        self.beta = nn.Parameter(torch.zeros(dim))

    def forward(self, x):
        return torch.tanh(self.alpha * x) * self.gamma + self.beta


def _same_pad(size: int, k: int = 3, s: int = 2):
    size = int(size)  # a constant in the exported graph: the input size is fixed (64x128)
    total = max(((size + s - 1) // s - 1) * s + k - size, 0)
    return total // 2, total - total // 2


class MaxBlurPool(nn.Module):
    """Max pool 2x2 stride 1 ("same"), then a fixed 3x3 binomial blur with stride 2 ("same")."""

    def __init__(self, channels: int):
        super().__init__()
        k = torch.tensor([1.0, 2.0, 1.0])
        k = (k[:, None] * k[None, :]) / 16.0
        self.register_buffer("kernel", k.expand(channels, 1, 3, 3).clone(), persistent=False)
        self.channels = channels

    def forward(self, x):
        x = F.max_pool2d(F.pad(x, (0, 1, 0, 1)), 2, stride=1)  # inputs are >= 0 (after ReLU)
        ph, pw = _same_pad(x.shape[2]), _same_pad(x.shape[3])
        x = F.pad(x, (pw[0], pw[1], ph[0], ph[1]))
        return F.conv2d(x, self.kernel, stride=2, groups=self.channels)


class Block(nn.Module):
    def __init__(self, dim: int = 64):
        super().__init__()
        self.norm1 = DyT(dim)
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(dim, dim)
        self.v = nn.Linear(dim, dim)
        self.o = nn.Linear(dim, dim)
        self.norm2 = DyT(dim)
        self.fc1 = nn.Linear(dim, dim)
        self.fc2 = nn.Linear(dim, dim)
        self.scale = dim ** -0.5

    def forward(self, x, drop: float = 0.0):
        h = self.norm1(x)
        att = torch.softmax((self.q(h) * self.scale) @ self.k(h).transpose(1, 2), dim=-1)
        x = x + F.dropout(self.o(att @ self.v(h)), drop, self.training)
        h = self.norm2(x)
        return x + F.dropout(_gelu(self.fc2(_gelu(self.fc1(h)))), drop, self.training)


class CCT(nn.Module):
    def __init__(self, dim: int = 64, depth: int = 4, reducer_heads: int = 4, region_head: bool = True):
        super().__init__()
        chans = [3, 32, 48, 64, 80, 96]
        self.convs = nn.ModuleList(nn.Conv2d(a, b, 3) for a, b in zip(chans[:-1], chans[1:]))
        self.pools = nn.ModuleDict({"0": MaxBlurPool(32), "2": MaxBlurPool(64)})
        self.patch = nn.Conv2d(96, 384, 2, stride=2, bias=False)
        self.proj = nn.Linear(384, dim)
        self.pos = nn.Parameter(torch.zeros(1, 65, dim))
        self.blocks = nn.ModuleList(Block(dim) for _ in range(depth))
        self.heads = reducer_heads
        self.queries = nn.Parameter(torch.zeros(1, SLOTS, dim))
        self.rq = nn.Linear(dim, dim * reducer_heads)
        self.rk = nn.Linear(dim, dim * reducer_heads)
        self.rv = nn.Linear(dim, dim * reducer_heads)
        self.ro = nn.Linear(dim * reducer_heads, dim)
        self.cls = nn.Linear(dim, len(ALPHABET))
        self.region = nn.Linear(dim, len(REGIONS)) if region_head else None
        self.dim = dim
        self.drop = 0.0
        self.frozen_convs = 0  # fine-tuning may keep the first convolutions fixed (cheaper steps)

    def freeze_convs(self, n: int):
        self.frozen_convs = n
        for conv in list(self.convs)[:n]:
            for q in conv.parameters():
                q.requires_grad_(False)

    def features(self, x_u8):
        """x: uint8 or float 0-255 [N,64,128,3] -> slot features [N,9,64], tokens [N,65,64]."""
        x = x_u8.float().permute(0, 3, 1, 2) * (1.0 / 255.0)
        for i, conv in enumerate(self.convs):
            with torch.set_grad_enabled(torch.is_grad_enabled() and i >= self.frozen_convs):
                x = F.relu(conv(x))
                if str(i) in self.pools:
                    x = self.pools[str(i)](x)
        x = self.patch(x).permute(0, 2, 3, 1).reshape(x.shape[0], -1, 384)
        x = _gelu(self.proj(x)) + self.pos
        for b in self.blocks:
            x = b(x, self.drop)
        n, t, d = x.shape
        hd = self.heads
        q = self.rq(self.queries).reshape(1, SLOTS, hd, d).permute(0, 2, 1, 3) * (d ** -0.5)
        k = self.rk(x).reshape(n, t, hd, d).permute(0, 2, 1, 3)
        v = self.rv(x).reshape(n, t, hd, d).permute(0, 2, 1, 3)
        att = torch.softmax(q @ k.transpose(2, 3), dim=-1)
        slots = (att @ v).permute(0, 2, 1, 3).reshape(n, SLOTS, hd * d)
        return self.ro(slots), x

    def forward(self, x_u8):
        """Returns slot logits [N,9,37] and region logits [N,len(REGIONS)] (or None)."""
        slots, tokens = self.features(x_u8)
        logits = self.cls(slots)
        # the region head reads the encoder without changing it (a probe): its loss cannot
        # pull the text features away from the published weights
        region = self.region(tokens.mean(1).detach()) if self.region is not None else None
        return logits, region


def load_onnx_weights(model: CCT, onnx_path: str) -> CCT:
    """Copies the published cct_xs_v1_global initialisers into `model` (region head untouched)."""
    import onnx
    from onnx import numpy_helper

    g = onnx.load(onnx_path).graph
    w = {i.name: torch.from_numpy(numpy_helper.to_array(i).copy()) for i in g.initializer}
    p = "CCT_OCR_1/"
    stem = p + "conv_stem_1/"
    conv_names = ["conv2d_1", "conv2d_1_2", "conv2d_2_1", "conv2d_3_1", "conv2d_4_1"]
    sd = {}
    for i, name in enumerate(conv_names):
        sd["convs.%d.weight" % i] = w[stem + name + "/convolution/ReadVariableOp:0"]
        sd["convs.%d.bias" % i] = w[stem + name + "/Squeeze:0"]
    sd["patch.weight"] = w[p + "patch_extractor_1/Reshape__6"]
    sd["proj.weight"] = w[p + "mlp_1/dense_1/Cast/ReadVariableOp:0"].T
    sd["proj.bias"] = w[p + "mlp_1/dense_1/BiasAdd/ReadVariableOp:0"]
    sd["pos"] = w[p + "pos_emb_1/Slice:0"][None]
    # (block folder, attention folder, first dyt, second dyt, first dense, second dense)
    blocks = [
        ("transformer_block_1_1", "multi_head_attention_1", "dy_t_1", "dy_t_1_2", "mlp_1/dense_1_1", "mlp_1/dense_2_1"),
        ("transformer_block_2_1", "multi_head_attention_1_1", "dy_t_2_1", "dy_t_3_1", "mlp_1_1/dense_3_1", "mlp_1_1/dense_4_1"),
        ("transformer_block_3_1", "multi_head_attention_2_1", "dy_t_4_1", "dy_t_5_1", "mlp_2_1/dense_5_1", "mlp_2_1/dense_6_1"),
        ("transformer_block_4_1", "multi_head_attention_3_1", "dy_t_6_1", "dy_t_7_1", "mlp_3_1/dense_7_1", "mlp_3_1/dense_8_1"),
    ]
    for i, (blk, att, n1, n2, d1, d2) in enumerate(blocks):
        b = p + blk + "/"
        for j, n in (("norm1", n1), ("norm2", n2)):
            sd["blocks.%d.%s.alpha" % (i, j)] = w[b + n + "/Mul/ReadVariableOp:0"].reshape(())
            sd["blocks.%d.%s.gamma" % (i, j)] = w[b + n + "/mul_1/ReadVariableOp:0"]
            sd["blocks.%d.%s.beta" % (i, j)] = w[b + n + "/add/ReadVariableOp:0"]
        for j, n in (("q", "query_1"), ("k", "key_1"), ("v", "value_1")):
            sd["blocks.%d.%s.weight" % (i, j)] = w[b + att + "/" + n + "/Reshape:0"].T
            sd["blocks.%d.%s.bias" % (i, j)] = w[b + att + "/" + n + "/add/ReadVariableOp:0"].reshape(-1)
        sd["blocks.%d.o.weight" % i] = w[b + att + "/attention_output_1/Reshape_1:0"].T
        sd["blocks.%d.o.bias" % i] = w[b + att + "/attention_output_1/add/ReadVariableOp:0"]
        for j, n in (("fc1", d1), ("fc2", d2)):
            sd["blocks.%d.%s.weight" % (i, j)] = w[b + n + "/Cast/ReadVariableOp:0"].T
            sd["blocks.%d.%s.bias" % (i, j)] = w[b + n + "/BiasAdd/ReadVariableOp:0"]
    r = p + "token_reducer_1/multi_head_attention_4_1/"
    sd["queries"] = w[p + "token_reducer_1/Reshape_1:0"]
    sd["rq.weight"] = w["const_fold_opt__423"]  # [256, 64], used with transB
    sd["rq.bias"] = w[r + "query_1/add/ReadVariableOp:0"].reshape(-1)
    sd["rk.weight"] = w[r + "key_1/Reshape:0"].T
    sd["rk.bias"] = w[r + "key_1/add/ReadVariableOp:0"].reshape(-1)
    sd["rv.weight"] = w[r + "value_1/Reshape:0"].T
    sd["rv.bias"] = w[r + "value_1/add/ReadVariableOp:0"].reshape(-1)
    sd["ro.weight"] = w["Reshape__187:0"]  # [64, 256], used with transB
    sd["ro.bias"] = w[r + "attention_output_1/add/ReadVariableOp:0"]
    sd["cls.weight"] = w[p + "vocab_projection_1/dense_9_1/Cast/ReadVariableOp:0"].T
    sd["cls.bias"] = w[p + "vocab_projection_1/dense_9_1/BiasAdd/ReadVariableOp:0"]
    missing, unexpected = model.load_state_dict({k: v.contiguous() for k, v in sd.items()}, strict=False)
    left = [m for m in missing if not m.startswith("region.")]
    if left or unexpected:
        raise RuntimeError("weight mapping incomplete: missing %s, unexpected %s" % (left, unexpected))
    return model


def load_published_reader(onnx_path: str) -> CCT:
    """The published reader alone (no region head), in eval mode: a distillation teacher or an
    ensemble partner."""
    return load_onnx_weights(CCT(region_head=False), onnx_path).eval()


def decode(probs):
    """Per-slot argmax -> text with pads dropped; probs [9,37] (tensor or array)."""
    idx = probs.argmax(-1).tolist()
    return "".join(ALPHABET[i] for i in idx if i != PAD)
