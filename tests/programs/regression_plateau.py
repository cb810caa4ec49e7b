"""Regression with a custom Dataset, random_split, an MLP with LayerNorm and GELU, AdamW and
ReduceLROnPlateau, early stopping on validation loss, gradient accumulation over two batches,
and the best weights kept in memory with copy.deepcopy(state_dict()).

    python regression_plateau.py --epochs 6
"""
import argparse
import copy

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, random_split


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--patience", type=int, default=3)
    args = parser.parse_args()
    torch.manual_seed(7)
    x = torch.rand(200, 3) * 4 - 2
    y = (x[:, :1] ** 2 - x[:, 1:2] * x[:, 2:3] + 0.1 * torch.randn(200, 1))
    train_set, val_set = random_split(TensorDataset(x, y), [160, 40])
    train = DataLoader(train_set, batch_size=20, shuffle=True)
    val = DataLoader(val_set, batch_size=40)
    model = nn.Sequential(nn.Linear(3, 32), nn.LayerNorm(32), nn.GELU(), nn.Linear(32, 32),
                          nn.Tanh(), nn.Linear(32, 1))
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.02, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=1)
    loss_fn = nn.MSELoss()
    best, best_state, waited = float("inf"), None, 0
    for epoch in range(args.epochs):
        model.train()
        optimizer.zero_grad()
        for step, (xb, yb) in enumerate(train):
            loss = loss_fn(model(xb), yb) / 2
            loss.backward()
            if step % 2 == 1:
                optimizer.step()
                optimizer.zero_grad()
        model.eval()
        with torch.no_grad():
            val_loss = sum(loss_fn(model(xb), yb).item() for xb, yb in val)
        scheduler.step(val_loss)
        print(f"epoch {epoch} val {val_loss:.6f} lr {optimizer.param_groups[0]['lr']:.5f}")
        if val_loss < best:
            best, best_state, waited = val_loss, copy.deepcopy(model.state_dict()), 0
        else:
            waited += 1
            if waited >= args.patience:
                print("early stop")
                break
    model.load_state_dict(best_state)
    with torch.no_grad():
        print(f"best val {best:.6f} check {loss_fn(model(x[:5]), y[:5]).item():.6f}")


if __name__ == "__main__":
    main()
