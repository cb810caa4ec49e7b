"""Recurrent workloads: an LSTM classifier step (forward, backward, hand-written SGD update).

Each `bench_<name>(torch)` gets the framework module, sets up, and returns the callable to time.
"""
from __future__ import annotations


def _lstm_classifier(torch, input_size, hidden, seq, batch, classes, **lstm_kw):
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(input_size, hidden, **lstm_kw)
    head_w = (torch.randn(classes, hidden) * 0.05).requires_grad_()
    head_b = torch.zeros(classes, requires_grad=True)
    params = list(lstm.parameters()) + [head_w, head_b]
    x = torch.randn(seq, batch, input_size)
    target = torch.randint(0, classes, (batch,))
    F = torch.nn.functional

    def step():
        out, _ = lstm(x)
        logits = F.linear(out[-1], head_w, head_b)
        loss = F.cross_entropy(logits, target)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p.data -= 0.01 * p.grad
                p.grad = None
        return loss

    return step


def bench_lstm_128_256_seq32_b32(torch):
    """LSTM(128->256), seq 32, batch 32, last-step Linear to 10 classes, CE loss, fwd+bwd+SGD."""
    return _lstm_classifier(torch, 128, 256, 32, 32, 10)


def bench_lstm_forward_no_grad(torch):
    """LSTM(128->256) forward only under no_grad, seq 32, batch 32."""
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(128, 256)
    x = torch.randn(32, 32, 128)

    def step():
        with torch.no_grad():
            return lstm(x)

    return step


def bench_gru_2layer_bidir_seq32_b16(torch):
    """GRU(64->128), 2 layers, bidirectional, seq 32, batch 16: fwd+bwd of the output sum."""
    torch.manual_seed(0)
    gru = torch.nn.GRU(64, 128, num_layers=2, bidirectional=True)
    x = torch.randn(32, 16, 64, requires_grad=True)

    def step():
        out, h = gru(x)
        (out.sum() + h.sum()).backward()
        return out

    return step
