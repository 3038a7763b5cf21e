"""platewise-rec: a small CRNN (conv + BiLSTM) read with CTC.

Input  `image`  float32 [N, 1, 32, 128]: greyscale, (pixel / 255 - 0.5) / 0.5.
Output `logits` float32 [N, 32, 37]: per time step, class 0 = CTC blank, 1.. = ALPHABET.
Greedy decoding: argmax per step, collapse repeats, drop blanks.
"""
import torch
import torch.nn as nn

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
NUM_CLASSES = len(ALPHABET) + 1
INPUT_H, INPUT_W = 32, 128


def _cbr(cin, cout, k=3, p=1):
    return [nn.Conv2d(cin, cout, k, padding=p, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


class PlateCRNN(nn.Module):
    def __init__(self, width: float = 1.0, hidden: int = 96, head: str = "lstm"):
        super().__init__()
        self.head = head
        c = [int(round(v * width)) for v in (32, 64, 96, 128, 192)]
        self.features = nn.Sequential(
            *_cbr(1, c[0]), nn.MaxPool2d(2, 2),                        # 16 x 64
            *_cbr(c[0], c[1]), nn.MaxPool2d(2, 2),                     # 8 x 32
            *_cbr(c[1], c[2]), *_cbr(c[2], c[2]), nn.MaxPool2d((2, 1), (2, 1)),  # 4 x 32
            *_cbr(c[2], c[3]), *_cbr(c[3], c[3]), nn.MaxPool2d((2, 1), (2, 1)),  # 2 x 32
            *_cbr(c[3], c[4], k=(2, 3), p=(0, 1)),                    # 1 x 32
        )
        self.rnn = nn.LSTM(c[4], hidden, bidirectional=True, batch_first=True)
        # head "lstm" (shipped v1): classifier on the BiLSTM output. "hybrid" (option, not yet
        # measured): the classifier also sees the conv features directly, a short gradient path
        # meant to shorten the CTC stall (with "lstm" the loss sat at ln(36) per character for
        # the first ~500 steps of the v1 run).
        self.fc = nn.Linear(2 * hidden + (c[4] if head == "hybrid" else 0), NUM_CLASSES)

    def forward(self, x):
        f = self.features(x)                 # N, C, 1, T
        f = f.squeeze(2).permute(0, 2, 1)    # N, T, C
        r, _ = self.rnn(f)
        if self.head == "hybrid":
            r = torch.cat([r, f], -1)
        return self.fc(r)                    # N, T, classes (logits)


def greedy_decode(logits: torch.Tensor):
    """logits [N, T, C] -> list of (text, confidence)."""
    prob = logits.softmax(-1)
    conf, idx = prob.max(-1)
    out = []
    for n in range(idx.shape[0]):
        prev, chars, cs = 0, [], []
        for t, k in enumerate(idx[n].tolist()):
            if k != 0 and k != prev:
                chars.append(ALPHABET[k - 1])
                cs.append(conf[n, t].item())
            prev = k
        c = min(cs) if cs else 0.0
        out.append(("".join(chars), c))
    return out


def encode_labels(texts):
    targets, lengths = [], []
    for t in texts:
        ids = [ALPHABET.index(ch) + 1 for ch in t]
        targets.extend(ids)
        lengths.append(len(ids))
    return torch.tensor(targets, dtype=torch.long), torch.tensor(lengths, dtype=torch.long)
