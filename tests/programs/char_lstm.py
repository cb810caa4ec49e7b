"""A character-level LSTM language model in the word_language_model style: batchify a text into
columns, truncated BPTT with detached hidden state, gradient clipping, Adam, perplexity, the
whole model saved with torch.save and reloaded for evaluation.

    python char_lstm.py --epochs 2 --out DIR
"""
import argparse
import math
import os

import torch
import torch.nn as nn  # noqa: PLR0402 - written as tutorials write it

TEXT = ("the quick brown fox jumps over the lazy dog while the cat sleeps on the warm mat and "
        "the bird sings a song about the sun and the moon and the stars above the hills ") * 4


class CharModel(nn.Module):
    def __init__(self, vocab, emb, hidden, layers, dropout):
        super().__init__()
        self.encoder = nn.Embedding(vocab, emb)
        self.rnn = nn.LSTM(emb, hidden, layers, dropout=dropout)
        self.drop = nn.Dropout(dropout)
        self.decoder = nn.Linear(hidden, vocab)
        self.hidden, self.layers = hidden, layers

    def forward(self, x, h):
        out, h = self.rnn(self.drop(self.encoder(x)), h)
        return self.decoder(self.drop(out)).view(-1, self.decoder.out_features), h

    def init_hidden(self, batch):
        w = next(self.parameters())
        return (w.new_zeros(self.layers, batch, self.hidden),
                w.new_zeros(self.layers, batch, self.hidden))


def batchify(data, bsz):
    nbatch = data.size(0) // bsz
    return data[: nbatch * bsz].view(bsz, -1).t().contiguous()


def get_batch(source, i, bptt):
    seq_len = min(bptt, len(source) - 1 - i)
    return source[i:i + seq_len], source[i + 1:i + 1 + seq_len].reshape(-1)


def repackage(h):
    return tuple(v.detach() for v in h)


def evaluate(model, data, bptt, criterion):
    model.eval()
    total, h = 0.0, model.init_hidden(data.size(1))
    with torch.no_grad():
        for i in range(0, data.size(0) - 1, bptt):
            x, y = get_batch(data, i, bptt)
            out, h = model(x, h)
            total += len(x) * criterion(out, y).item()
    return total / (len(data) - 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--bptt", type=int, default=12)
    parser.add_argument("--clip", type=float, default=0.25)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    torch.manual_seed(3)
    chars = sorted(set(TEXT))
    ids = torch.tensor([chars.index(c) for c in TEXT], dtype=torch.long)
    split = int(len(ids) * 0.8)
    train, val = batchify(ids[:split], 8), batchify(ids[split:], 4)
    model = CharModel(len(chars), 16, 32, 2, 0.2)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for epoch in range(args.epochs):
        model.train()
        h = model.init_hidden(train.size(1))
        for batch, i in enumerate(range(0, train.size(0) - 1, args.bptt)):
            x, y = get_batch(train, i, args.bptt)
            h = repackage(h)
            optimizer.zero_grad()
            out, h = model(x, h)
            loss = criterion(out, y)
            loss.backward()
            norm = torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
            optimizer.step()
            if batch % 3 == 0:
                print(f"epoch {epoch} batch {batch} loss {loss.item():.5f} "
                      f"grad norm {norm.item():.5f}")
        val_loss = evaluate(model, val, args.bptt, criterion)
        print(f"epoch {epoch} valid loss {val_loss:.5f} ppl {math.exp(val_loss):.4f}")
    path = os.path.join(args.out, "model.pt")
    torch.save(model, path)
    model = torch.load(path, weights_only=False)
    print(f"reloaded {type(model).__name__}: valid loss "
          f"{evaluate(model, val, args.bptt, criterion):.5f}")


if __name__ == "__main__":
    main()
