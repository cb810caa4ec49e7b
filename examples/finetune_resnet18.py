"""Fine-tune resnet18 on a small ImageFolder: ImageNet weights from the hub cache when present,
the backbone frozen, a new `fc` trained for a few epochs, accuracy printed each epoch.

    python examples/finetune_resnet18.py                  # ember, on images it generates
    python examples/finetune_resnet18.py --data DIR       # your folder: DIR/<class>/<image>
    python examples/finetune_resnet18.py --torch          # the same program on torch+torchvision

Both frameworks print the same lines. The weights are read from
<hub dir>/checkpoints/resnet18-f37072fd.pth (torch.hub.get_dir(): $TORCH_HOME/hub, else
~/.cache/torch/hub); without that file the backbone starts from seeded random weights.
"""
import argparse
import os
import sys
import tempfile

import numpy as np
from PIL import Image

if "--torch" in sys.argv:
    import torch

    # torchvision 0.28's compiled ops cannot load beside a CPU-only torch 2.13: register no fake
    # kernels while it imports (models, transforms and datasets do not need them)
    _register_fake = torch.library.register_fake
    torch.library.register_fake = lambda *args, **kwargs: (lambda fn: fn)
    import torchvision  # noqa: F401 - the register_fake workaround above
    torch.library.register_fake = _register_fake
    from torch import nn
    from torchvision import datasets, models, transforms
else:
    import ember as torch
    from ember import nn
    from ember.vision import datasets, models, transforms


def make_images(root: str, per_class: int = 16) -> None:
    """Two classes of noisy 24x24 images: warm ones and cool ones."""
    rng = np.random.default_rng(0)
    for name, color in (("cool", (40, 60, 200)), ("warm", (210, 90, 30))):
        os.makedirs(os.path.join(root, name), exist_ok=True)
        for i in range(per_class):
            img = rng.uniform(0, 90, (24, 24, 3)) + np.array(color) * rng.uniform(0.5, 1.0)
            Image.fromarray(img.clip(0, 255).astype(np.uint8)).save(
                os.path.join(root, name, f"{i:02d}.png"))


def pretrained_resnet18():
    """resnet18 with ImageNet weights if the hub cache has them, else seeded random weights."""
    weights = models.ResNet18_Weights.DEFAULT
    cached = os.path.join(torch.hub.get_dir(), "checkpoints", os.path.basename(weights.url))
    if os.path.exists(cached):
        print("backbone: ImageNet weights from the hub cache")
        return models.resnet18(weights=weights, progress=False)
    print("backbone: random weights (no ImageNet weights in the hub cache)")
    return models.resnet18()


def run_epoch(model, loader, loss_fn, optimizer=None):
    model.train(optimizer is not None)
    total, correct, seen = 0.0, 0, 0
    with torch.set_grad_enabled(optimizer is not None):
        for images, labels in loader:
            logits = model(images)
            loss = loss_fn(logits, labels)
            if optimizer is not None:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            total += loss.item() * len(labels)
            correct += int((logits.argmax(1) == labels).sum().item())
            seen += len(labels)
    return total / seen, correct / seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="an ImageFolder (default: generated images)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--image-size", type=int, default=32)
    parser.add_argument("--torch", action="store_true", help="run on torch + torchvision")
    args = parser.parse_args()
    torch.manual_seed(0)
    tmp = tempfile.TemporaryDirectory()
    root = args.data or tmp.name
    if args.data is None:
        make_images(root)
    transform = transforms.Compose([
        transforms.Resize(args.image_size), transforms.CenterCrop(args.image_size),
        transforms.ToTensor(),
        transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    dataset = datasets.ImageFolder(root, transform=transform)
    n_val = max(1, len(dataset) // 4)
    train_set, val_set = torch.utils.data.random_split(
        dataset, [len(dataset) - n_val, n_val], generator=torch.Generator().manual_seed(0))
    train_loader = torch.utils.data.DataLoader(train_set, batch_size=8, shuffle=True)
    val_loader = torch.utils.data.DataLoader(val_set, batch_size=8)
    print(f"data: {len(dataset)} images, classes {dataset.classes}")

    model = pretrained_resnet18()
    for param in model.parameters():  # freeze the backbone ...
        param.requires_grad = False
    model.fc = nn.Linear(model.fc.in_features, len(dataset.classes))  # ... and train a new head
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print(f"trainable parameters: {trainable} of {sum(p.numel() for p in model.parameters())}")
    optimizer = torch.optim.SGD(model.fc.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(1, args.epochs + 1):
        tr_loss, tr_acc = run_epoch(model, train_loader, loss_fn, optimizer)
        va_loss, va_acc = run_epoch(model, val_loader, loss_fn)
        print(f"epoch {epoch}: train loss {tr_loss:.4f} acc {tr_acc:.1%} | "
              f"val loss {va_loss:.4f} acc {va_acc:.1%}")
    tmp.cleanup()


if __name__ == "__main__":
    main()
