"""An image classifier trained the way tutorials train one: argparse, a Dataset and DataLoader,
a small CNN, SGD with momentum and StepLR, TensorBoard scalars, a checkpoint written every epoch
and `--resume` from it. Synthetic data (two classes of striped images), so it runs offline.

    python classify_cnn.py --epochs 2 --out DIR [--resume]
"""
import argparse
import os

import torch
import torch.nn as nn  # noqa: PLR0402 - written as tutorials write it
import torch.nn.functional as F
from torch.utils.data import DataLoader, Dataset
from torch.utils.tensorboard import SummaryWriter


class Stripes(Dataset):
    def __init__(self, n, seed):
        g = torch.Generator().manual_seed(seed)
        self.labels = torch.randint(0, 2, (n,), generator=g)
        noise = torch.randn(n, 1, 12, 12, generator=g) * 0.5
        rows = torch.arange(12).view(1, 1, 12, 1).float()
        cols = torch.arange(12).view(1, 1, 1, 12).float()
        stripes = torch.where(self.labels.view(-1, 1, 1, 1) == 1, torch.sin(rows), torch.sin(cols))
        self.images = stripes + noise

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        return self.images[i], self.labels[i]


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.bn = nn.BatchNorm2d(16)
        self.fc = nn.Linear(16 * 3 * 3, 2)
        self.dropout = nn.Dropout(0.25)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.bn(self.conv2(x))), 2)
        x = self.dropout(torch.flatten(x, 1))
        return F.log_softmax(self.fc(x), dim=1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--out", required=True)
    parser.add_argument("--resume", action="store_true")
    args = parser.parse_args()
    torch.manual_seed(1)
    train = DataLoader(Stripes(96, 0), batch_size=args.batch_size, shuffle=True)
    test = DataLoader(Stripes(32, 1), batch_size=32)
    model = Net()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
    ckpt = os.path.join(args.out, "checkpoint.pt")
    start = 0
    if args.resume:
        state = torch.load(ckpt)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["rng"])
        start = state["epoch"] + 1
        print(f"resumed at epoch {start}")
    writer = SummaryWriter(os.path.join(args.out, "runs"))
    for epoch in range(start, start + args.epochs):
        model.train()
        for batch, (x, y) in enumerate(train):
            optimizer.zero_grad()
            loss = F.nll_loss(model(x), y)
            loss.backward()
            optimizer.step()
            writer.add_scalar("train/loss", loss.item(), epoch * len(train) + batch)
            if batch % 2 == 0:
                print(f"epoch {epoch} batch {batch} loss {loss.item():.6f}")
        scheduler.step()
        model.eval()
        with torch.no_grad():
            x, y = next(iter(test))
            out = model(x)
            test_loss = F.nll_loss(out, y, reduction="sum").item() / len(y)
            correct = out.argmax(dim=1).eq(y).sum().item()
        print(f"epoch {epoch} test loss {test_loss:.6f} accuracy {correct}/{len(y)} "
              f"lr {scheduler.get_last_lr()[0]:.6f}")
        writer.add_scalar("test/loss", test_loss, epoch)
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(),
                    "scheduler": scheduler.state_dict(), "epoch": epoch,
                    "rng": torch.get_rng_state()}, ckpt)
    writer.close()


if __name__ == "__main__":
    main()
