"""ember-train: the spec's whole training workflow in one command, on a real data set shipped with
ember (UCI handwritten digits): data -> random_split -> DataLoader -> small CNN -> CrossEntropyLoss
-> Adam + StepLR -> validation each epoch -> best checkpoint (ember.save) -> test accuracy.

    ember-train                         # defaults built in
    ember-train --config my.yaml --epochs 5
    ember-train --resume ember-train-out/last.pt --epochs 20
    ember-train --data my_images/ --model resnet18 --pretrained --freeze-backbone

With --data DIR (an ImageFolder: one sub-folder of images per class) it trains a zoo model
(--model, resnet18 by default) on the user's own images instead of the bundled digits.

Every problem with the command line, the config, the checkpoint or the output folder is found
before the data is loaded and reported as one line on stderr, exit code 2.
"""
from __future__ import annotations

import argparse
import importlib
import os
import pathlib
import sys
import time

from ..distributed._train_launch import Replicas, relaunch, under_launcher
from .digits import digits_dataset
from .progress import has_tqdm, progress_bar
from .train_config import DEFAULTS, ConfigError, check_values, read_config

PROG = "ember-train"
DESCRIPTION = ("Train a small CNN on the UCI handwritten digits shipped with ember, running the "
               "spec notebook's whole workflow (random_split, DataLoader, CrossEntropyLoss, Adam "
               "with StepLR, best checkpoint) and printing the test accuracy last.")


class DemoError(Exception):
    """A problem reported as one line, without a traceback."""


def build_model(torch, cfg: dict):
    """conv-relu-conv-relu-maxpool -> flatten -> linear-relu-dropout -> linear (10 classes)."""
    nn = torch.nn
    c1, c2 = cfg["channels"]
    return nn.Sequential(
        nn.Conv2d(1, c1, kernel_size=3, padding=1), nn.ReLU(),
        nn.Conv2d(c1, c2, kernel_size=3, padding=1), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(c2 * 4 * 4, cfg["hidden"]), nn.ReLU(), nn.Dropout(cfg["dropout"]),
        nn.Linear(cfg["hidden"], 10),
    )


def _import_vision(torch):
    """ember.vision, or torchvision for --backend torch (its compiled ops stubbed out)."""
    if torch.__name__ == "ember":
        return importlib.import_module("ember.vision")
    if "torchvision" in sys.modules:
        return sys.modules["torchvision"]
    # torchvision's compiled ops cannot load beside a CPU-only torch: register no fake kernels
    original = torch.library.register_fake
    torch.library.register_fake = lambda *args, **kwargs: (lambda fn: fn)
    try:
        return importlib.import_module("torchvision")
    except ImportError as exc:
        raise DemoError(f"--backend torch with --data needs torchvision: {exc}") from None
    finally:
        torch.library.register_fake = original


def _replace_head(torch, model, num_classes: int):
    """Swap the last Linear (or 1x1 Conv2d, SqueezeNet's) for a new one with num_classes outputs;
    returns the new head."""
    nn = torch.nn
    name, old = [(n, m) for n, m in model.named_modules()
                 if isinstance(m, (nn.Linear, nn.Conv2d))][-1]
    if isinstance(old, nn.Linear):
        new = nn.Linear(old.in_features, num_classes, bias=old.bias is not None)
    else:
        new = nn.Conv2d(old.in_channels, num_classes, old.kernel_size, old.stride)
    parent = model.get_submodule(name.rpartition(".")[0]) if "." in name else model
    setattr(parent, name.rpartition(".")[2], new)
    return new


def build_zoo_model(torch, vision, opts: dict, num_classes: int):
    """A zoo model for `num_classes` classes: pretrained weights with a new head, or from scratch;
    with freeze_backbone only the head trains."""
    try:
        builder = vision.models.get_model_builder(opts["model"])
    except ValueError:
        raise DemoError(f"--model: unknown model {opts['model']!r} (see "
                        "torchvision.models.list_models())") from None
    if not opts["pretrained"]:
        if opts["freeze_backbone"]:
            raise DemoError("--freeze-backbone needs --pretrained (a random backbone would stay "
                            "random)")
        return builder(num_classes=num_classes)
    try:
        model = builder(weights="DEFAULT")
    except OSError as exc:  # offline: the error names the URL and where to put the file
        raise DemoError(f"--pretrained: {exc}") from None
    if opts["freeze_backbone"]:
        for p in model.parameters():
            p.requires_grad_(False)
    _replace_head(torch, model, num_classes)
    return model


def image_folder(torch, vision, directory: str, image_size: int):
    """ImageFolder(directory) resized, center-cropped and normalised as ImageNet models expect."""
    t = vision.transforms
    transform = t.Compose([t.Resize(image_size), t.CenterCrop(image_size), t.ToTensor(),
                           t.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    try:
        return vision.datasets.ImageFolder(directory, transform=transform)
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise DemoError(f"--data {directory}: {exc}") from None


def run_epoch(torch, model, loader, loss_fn, optimizer=None, desc="", show=True):
    """One pass over `loader`; trains when an optimizer is given. Returns (mean loss, accuracy)."""
    training = optimizer is not None
    model.train(training)
    total_loss, correct, seen = 0.0, 0, 0
    bar = progress_bar(len(loader), desc, enabled=show)
    with torch.set_grad_enabled(training):
        for images, labels in loader:
            logits = model(images)
            loss = loss_fn(logits, labels)
            if training:
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
            n = labels.shape[0]
            total_loss += loss.item() * n
            correct += int((logits.argmax(1) == labels).sum().item())
            seen += n
            if bar is not None:
                bar.set_postfix_str(f"loss {total_loss / seen:.4f} acc {correct / seen:.1%}")
                bar.update(1)
    if bar is not None:
        bar.close()
    return total_loss / max(seen, 1), correct / max(seen, 1)


def _checkpoint(model, optimizer, scheduler, epoch, best, history, cfg, vision_opts) -> dict:
    ckpt = {"model": model.state_dict(), "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(), "epoch": epoch, "best_val_acc": best,
            "history": history, "config": cfg, "rng_state": model_rng_state(model)}
    if vision_opts is not None:
        ckpt["vision"] = vision_opts
    return ckpt


def model_rng_state(model):
    """The global generator's state (shuffling and dropout draw from it), for exact resumes."""
    return _framework_of(model).get_rng_state()


def _framework_of(model):
    root = type(model).__module__.split(".")[0]
    return importlib.import_module("torch" if root == "torchvision" else root)


def _load_checkpoint(torch, path: str) -> dict:
    if not pathlib.Path(path).is_file():
        raise DemoError(f"checkpoint not found: {path}")
    try:
        ckpt = torch.load(path)
    except Exception as exc:  # noqa: BLE001 - any failure to read is reported as one line
        raise DemoError(f"cannot read checkpoint {path}: {exc}") from None
    need = {"model", "optimizer", "scheduler", "epoch", "best_val_acc", "history"}
    if not isinstance(ckpt, dict) or not need <= set(ckpt):
        raise DemoError(f"{path} is not an {PROG} checkpoint (missing "
                        f"{', '.join(sorted(need - set(ckpt) if isinstance(ckpt, dict) else need))})")
    if not isinstance(ckpt.get("config", {}), dict):
        raise DemoError(f"{path} is not an {PROG} checkpoint (its config is not a mapping)")
    return ckpt


def _import_backend(name: str):
    """The framework module to run on: ember, or torch when it is installed."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        if name == "ember":
            raise
        if exc.name == name:
            raise DemoError(f"--backend {name} needs PyTorch, which is not installed "
                            "(pip install torch)") from None
        raise DemoError(f"--backend {name}: PyTorch cannot be imported: {exc}") from None


def _check_out_dir(out: pathlib.Path) -> None:
    """Create the output folder and write, sync and delete a probe file in it, so that a folder
    that cannot take the checkpoints (read-only, full disk) is reported before training."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DemoError(f"cannot create the output folder {out}: {exc.strerror}") from None
    probe = out / f".{PROG}-probe-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, bytes(64 * 1024))
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise DemoError(f"cannot write to the output folder {out}: "
                        f"{exc.strerror or exc}") from None
    finally:
        probe.unlink(missing_ok=True)


def settings(args):
    """(framework module, config, notes, checkpoint or None): every check that needs no data.

    With --resume the checkpoint's own hyper-parameters are the base (a --config file may still
    override some), and the outputs go next to the checkpoint unless --out-dir is given."""
    if args.epochs is not None and args.epochs < 1:
        raise DemoError(f"--epochs must be at least 1, got {args.epochs}")
    try:
        given, notes = read_config(args.config) if args.config is not None else ({}, [])
    except ConfigError as exc:
        raise DemoError(str(exc)) from None
    torch = _import_backend(args.backend)
    cfg = dict(DEFAULTS)
    ckpt = _load_checkpoint(torch, args.resume) if args.resume else None
    if ckpt is not None:
        try:
            cfg.update(check_values(ckpt.get("config", {}), "the checkpoint"))
        except ConfigError as exc:
            raise DemoError(f"checkpoint {args.resume}: {exc}") from None
        cfg["out_dir"] = str(pathlib.Path(args.resume).parent)
    cfg.update(given)
    if args.epochs is not None:
        cfg["epochs"] = args.epochs
    if args.out_dir:
        cfg["out_dir"] = args.out_dir
    _check_out_dir(pathlib.Path(cfg["out_dir"]))
    return torch, cfg, notes, ckpt


def vision_options(args, ckpt) -> dict | None:
    """--data/--model/--pretrained/--freeze-backbone/--image-size, or a resumed run's; None for
    the digits demo."""
    saved = (ckpt or {}).get("vision")
    if args.data is None and saved is None:
        if args.model or args.pretrained or args.freeze_backbone or args.image_size:
            raise DemoError("--model, --pretrained, --freeze-backbone and --image-size need "
                            "--data DIR (an ImageFolder)")
        return None
    opts = dict(saved or {"data": None, "model": "resnet18", "pretrained": False,
                          "freeze_backbone": False, "image_size": 64})
    for key in ("data", "model", "image_size"):
        if getattr(args, key) is not None:
            opts[key] = getattr(args, key)
    opts["pretrained"] = opts["pretrained"] or args.pretrained
    opts["freeze_backbone"] = opts["freeze_backbone"] or args.freeze_backbone
    if opts["image_size"] < 16:
        raise DemoError(f"--image-size must be at least 16, got {opts['image_size']}")
    if not pathlib.Path(opts["data"]).is_dir():
        raise DemoError(f"--data: no such folder: {opts['data']}")
    return opts


def _plot(history: list, path: pathlib.Path) -> bool:
    """Loss and accuracy curves as a PNG; False when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    epochs = [h["epoch"] for h in history]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.5))
    for key, label in (("train_loss", "train"), ("val_loss", "validation")):
        ax1.plot(epochs, [h[key] for h in history], label=label)
    for key, label in (("train_acc", "train"), ("val_acc", "validation")):
        ax2.plot(epochs, [h[key] for h in history], label=label)
    ax1.set(xlabel="epoch", ylabel="loss")
    ax2.set(xlabel="epoch", ylabel="accuracy")
    ax1.legend()
    ax2.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return True


def parse_args(argv):
    p = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION)
    p.add_argument("--config", help="YAML file of hyper-parameters (keys: "
                   + ", ".join(sorted(DEFAULTS)) + ")")
    p.add_argument("--epochs", type=int, help="number of epochs (overrides the config)")
    p.add_argument("--resume", metavar="CKPT",
                   help="continue from a checkpoint it saved, with that run's hyper-parameters; "
                   "outputs go next to the checkpoint unless --out-dir is given")
    p.add_argument("--out-dir", help="where checkpoints and the curve go (overrides the config)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument("--data", metavar="DIR", help="train on an ImageFolder (one sub-folder of "
                   "images per class) instead of the bundled digits")
    p.add_argument("--model", help="a zoo model name for --data (default resnet18), e.g. "
                   "mobilenet_v3_small")
    p.add_argument("--pretrained", action="store_true", help="start from the model's ImageNet "
                   "weights (hub cache, else download) with a new classification head")
    p.add_argument("--freeze-backbone", action="store_true",
                   help="with --pretrained: train only the new head")
    p.add_argument("--image-size", type=int, default=None,
                   help="--data images are resized and center-cropped to this (default 64)")
    p.add_argument("--backend", choices=["ember", "torch"], default="ember",
                   help="run the same program on real PyTorch, for comparison")
    p.add_argument("--nproc", type=int, default=1, metavar="N",
                   help="train data-parallel on N processes (MPI; DistributedDataParallel)")
    return p.parse_args(argv)


def train(args) -> float:
    """The whole workflow; returns the test accuracy."""
    start = time.perf_counter()
    torch, cfg, notes, ckpt = settings(args)
    replicas = Replicas(torch, args.nproc)  # --nproc N: this process is one of N ranks
    if not has_tqdm():
        notes.append("tqdm not installed: plain progress bars")
    for note in notes:
        print(f"note: {note}")

    # The model and its checkpoint come before the data, so that a checkpoint that does not fit
    # is reported before anything is loaded. Loading the data draws nothing from the global
    # generator, so the order does not change a number.
    vision_opts = vision_options(args, ckpt)
    torch.manual_seed(cfg["seed"])
    if vision_opts is None:
        dataset = digits_dataset(torch)
        model = build_model(torch, cfg)
    else:  # the folder is only listed here: images are read batch by batch
        vision = _import_vision(torch)
        dataset = image_folder(torch, vision, vision_opts["data"], vision_opts["image_size"])
        if len(dataset.classes) < 2:
            raise DemoError(f"--data {vision_opts['data']}: needs at least two class folders")
        model = build_zoo_model(torch, vision, vision_opts, len(dataset.classes))
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad],
                                 lr=cfg["lr"], weight_decay=cfg["weight_decay"])
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=cfg["scheduler_step"],
                                                gamma=cfg["scheduler_gamma"])
    first, best, history = 1, -1.0, []
    if ckpt is not None:
        try:
            model.load_state_dict(ckpt["model"])
            optimizer.load_state_dict(ckpt["optimizer"])
            scheduler.load_state_dict(ckpt["scheduler"])
        except (RuntimeError, ValueError, KeyError, TypeError) as exc:
            detail = " ".join(str(exc).split()) or type(exc).__name__
            raise DemoError(f"checkpoint {args.resume} does not fit this model: "
                            f"{detail[:300]}") from None
        first, best, history = ckpt["epoch"] + 1, ckpt["best_val_acc"], list(ckpt["history"])
        if "rng_state" in ckpt:
            torch.set_rng_state(ckpt["rng_state"])
        print(f"resumed from {args.resume} after epoch {ckpt['epoch']}")
        if first > cfg["epochs"]:
            print(f"note: the checkpoint is at epoch {ckpt['epoch']} of {cfg['epochs']}: give "
                  "--epochs N with a larger N to train more")

    data = torch.utils.data
    split = torch.Generator().manual_seed(cfg["seed"])
    train_set, val_set, test_set = data.random_split(dataset, cfg["split"], generator=split)
    kw = {"batch_size": cfg["batch_size"], "num_workers": cfg["num_workers"]}
    train_loader = replicas.loader(train_set, cfg["seed"], **kw)
    net = replicas.wrap(model)
    val_loader = data.DataLoader(val_set, **kw)
    test_loader = data.DataLoader(test_set, **kw)
    what = "digits" if vision_opts is None else \
        f"images of {len(dataset.classes)} classes in {vision_opts['data']}"
    print(f"data: {len(dataset)} {what} -> train {len(train_set)}, validation {len(val_set)}, "
          f"test {len(test_set)}")
    out = pathlib.Path(cfg["out_dir"])
    params = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    name = "" if vision_opts is None else f"{vision_opts['model']}, "
    frozen = "" if trainable == params else f" ({trainable} trainable)"
    print(f"model: {name}{params} parameters{frozen}; {cfg['epochs']} "
          f"epoch{'s' * (cfg['epochs'] != 1)}")

    show = not args.quiet
    for epoch in range(first, cfg["epochs"] + 1):
        tag = f"epoch {epoch}/{cfg['epochs']}"
        replicas.set_epoch(train_loader, epoch)
        tr_loss, tr_acc = run_epoch(torch, net, train_loader, loss_fn, optimizer,
                                    f"{tag} train", show)
        va_loss, va_acc = run_epoch(torch, model, val_loader, loss_fn, None, f"{tag} val", show)
        lr = scheduler.get_last_lr()[0]
        scheduler.step()
        history.append({"epoch": epoch, "train_loss": tr_loss, "train_acc": tr_acc,
                        "val_loss": va_loss, "val_acc": va_acc, "lr": lr})
        print(f"{tag}: train loss {tr_loss:.4f} acc {tr_acc:.1%} | "
              f"val loss {va_loss:.4f} acc {va_acc:.1%} | lr {lr:.2e}")
        if va_acc > best:
            best = va_acc
            if replicas.is_main:
                torch.save(_checkpoint(model, optimizer, scheduler, epoch, best, history, cfg,
                                       vision_opts),
                           out / "best.pt")
        if replicas.is_main:
            torch.save(_checkpoint(model, optimizer, scheduler, epoch, best, history, cfg,
                                   vision_opts),
                       out / "last.pt")
        replicas.barrier()

    if (out / "best.pt").is_file():
        model.load_state_dict(_load_checkpoint(torch, str(out / "best.pt"))["model"])
    _, test_acc = run_epoch(torch, model, test_loader, loss_fn, None, "test", show)
    if history and replicas.is_main and _plot(history, out / "curves.png"):
        print(f"curves: {out / 'curves.png'}")
    elif history:
        print("note: matplotlib not installed: skipped the loss/accuracy curve")
    print(f"checkpoints: {out / 'best.pt'} (best validation accuracy {best:.1%}), "
          f"{out / 'last.pt'}; {time.perf_counter() - start:.1f} s")
    print(f"test accuracy: {100 * test_acc:.1f}%")
    replicas.close()
    return test_acc


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.nproc > 1 and not under_launcher():  # restart this command on N ranks
        return relaunch(args.nproc, "ember.tools.train", sys.argv[1:] if argv is None else argv)
    try:
        train(args)
    except DemoError as exc:
        print(f"{PROG}: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
