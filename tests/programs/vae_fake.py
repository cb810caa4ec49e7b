"""A variational autoencoder in the pytorch/examples vae style on fake binary images: the
reparameterisation trick, BCE + KL loss summed over the batch, Adam, and samples drawn from the
prior after training.

    python vae_fake.py --epochs 2
"""
import argparse

import torch
import torch.nn.functional as F
from torch import nn, optim


class VAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(64, 32)
        self.fc21 = nn.Linear(32, 4)
        self.fc22 = nn.Linear(32, 4)
        self.fc3 = nn.Linear(4, 32)
        self.fc4 = nn.Linear(32, 64)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5 * logvar)
        return mu + torch.randn_like(std) * std

    def decode(self, z):
        return torch.sigmoid(self.fc4(F.relu(self.fc3(z))))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 64))
        return self.decode(self.reparameterize(mu, logvar)), mu, logvar


def loss_function(recon, x, mu, logvar):
    bce = F.binary_cross_entropy(recon, x.view(-1, 64), reduction="sum")
    kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return bce + kld


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    torch.manual_seed(11)
    data = (torch.rand(64, 1, 8, 8) > 0.6).float()
    loader = torch.utils.data.DataLoader(data, batch_size=16, shuffle=True)
    model = VAE()
    optimizer = optim.Adam(model.parameters(), lr=1e-2)
    for epoch in range(args.epochs):
        model.train()
        total = 0.0
        for i, x in enumerate(loader):
            optimizer.zero_grad()
            recon, mu, logvar = model(x)
            loss = loss_function(recon, x, mu, logvar)
            loss.backward()
            total += loss.item()
            optimizer.step()
            print(f"epoch {epoch} batch {i} loss {loss.item() / len(x):.5f}")
        print(f"epoch {epoch} average loss {total / len(data):.5f}")
    model.eval()
    with torch.no_grad():
        sample = model.decode(torch.randn(4, 4))
    print("sample mean", round(sample.mean().item(), 5), "shape", tuple(sample.shape))


if __name__ == "__main__":
    main()
