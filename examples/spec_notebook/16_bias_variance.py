"""The spec notebook's closing notes ("高偏差与高方差") made runnable on a small over-fitting
problem: L2 regularisation (weight_decay), an L1 penalty added to the loss, dropout, and early
stopping on a validation set. `python examples/spec_notebook/16_bias_variance.py` runs it on
ember, `... --torch` on PyTorch."""
import sys

if "--torch" in sys.argv:
    import torch
    from torch import nn
else:
    import ember as torch
    from ember import nn

# Deliberate addition to the notebook: a fixed seed, so that data, weights and masks match.
torch.manual_seed(0)

# 20 noisy training points of a sine, 40 validation points: a wide net over-fits (高方差)
x_train = torch.rand(20, 1) * 6 - 3
y_train = torch.sin(x_train) + 0.3 * torch.randn(20, 1)
x_val = torch.linspace(-3, 3, 40).unsqueeze(1)
y_val = torch.sin(x_val)


def make_model(p_drop=0.0):
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(1, 64), nn.Tanh(), nn.Dropout(p_drop), nn.Linear(64, 64),
                         nn.Tanh(), nn.Dropout(p_drop), nn.Linear(64, 1))


def run(name, p_drop=0.0, weight_decay=0.0, l1=0.0, epochs=300, patience=None):
    model = make_model(p_drop)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9,
                                weight_decay=weight_decay)
    loss_fn = nn.MSELoss()
    best, best_epoch, best_state, waited = float("inf"), 0, None, 0
    for epoch in range(epochs):
        model.train()
        optimizer.zero_grad()
        loss = loss_fn(model(x_train), y_train)
        if l1:
            # L1 正则化: the sum of absolute weights added to the loss
            loss = loss + l1 * sum(p.abs().sum() for n, p in model.named_parameters()
                                   if n.endswith("weight"))
        loss.backward()
        optimizer.step()
        model.eval()
        with torch.no_grad():
            val_loss = loss_fn(model(x_val), y_val).item()
        if val_loss < best:
            best, best_epoch, waited = val_loss, epoch, 0
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        else:
            waited += 1
            # 训练早停: stop once the validation loss has not improved for `patience` epochs
            if patience is not None and waited >= patience:
                break
    model.eval()
    with torch.no_grad():
        train_loss = loss_fn(model(x_train), y_train).item()
        final_val = loss_fn(model(x_val), y_val).item()
    weight_norm = sum(p.pow(2).sum() for n, p in model.named_parameters()
                      if n.endswith("weight")).sqrt().item()
    print(f"{name:<12} epochs {epoch + 1:>3}  train {train_loss:.3f}  val {final_val:.3f}  "
          f"best val {best:.3f} @ {best_epoch:>3}  |W| {weight_norm:.2f}")
    return best_state


run("plain")
run("L2", weight_decay=1e-2)
run("L1", l1=1e-3)
run("dropout", p_drop=0.2, epochs=100)
state = run("early stop", patience=20)
restored = make_model()
restored.load_state_dict(state)
with torch.no_grad():
    print(round(nn.MSELoss()(restored(x_val), y_val).item(), 3))

# 引入dropout，随机神经元失活: scaled by 1 / (1 - p) in training, the identity in eval
drop = nn.Dropout(0.5)
ones = torch.ones(2, 8)
print(drop(ones))
drop.eval()
print(drop(ones))
