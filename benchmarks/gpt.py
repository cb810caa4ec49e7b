"""Transformer workloads: a tiny GPT-style decoder training step and MultiheadAttention alone.

Each `bench_<name>(torch)` gets the framework module, sets up, and returns the callable to time.
"""
from __future__ import annotations


def _gpt(torch, vocab=512, d_model=128, nhead=4, layers=2, seq=64):
    nn = torch.nn

    class TinyGPT(nn.Module):
        """Token + position embeddings, pre-norm causal encoder layers, LayerNorm, vocab head."""

        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(vocab, d_model)
            self.pos = nn.Embedding(seq, d_model)
            self.blocks = nn.ModuleList([
                nn.TransformerEncoderLayer(d_model, nhead, 4 * d_model, dropout=0.0,
                                           activation="gelu", batch_first=True, norm_first=True)
                for _ in range(layers)])
            self.norm = nn.LayerNorm(d_model)
            self.head = nn.Linear(d_model, vocab)
            self.register_buffer("mask", nn.Transformer.generate_square_subsequent_mask(seq))
            self.register_buffer("positions", torch.arange(seq))

        def forward(self, idx):
            x = self.tok(idx) + self.pos(self.positions)
            for block in self.blocks:
                x = block(x, src_mask=self.mask, is_causal=True)
            return self.head(self.norm(x))

    return TinyGPT()


def bench_gpt_tiny(torch):
    """2-layer GPT (d_model 128, 4 heads, vocab 512, seq 64, batch 8): fwd + bwd + AdamW step."""
    torch.manual_seed(0)
    model = _gpt(torch)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    idx = torch.randint(0, 512, (8, 64))
    target = torch.randint(0, 512, (8, 64))
    F = torch.nn.functional

    def step():
        logits = model(idx)
        loss = F.cross_entropy(logits.reshape(-1, 512), target.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    return step


def bench_mha_self_attention_fwd_bwd(torch):
    """MultiheadAttention(128, 4, batch_first) self-attention, seq 64, batch 8: fwd + bwd."""
    torch.manual_seed(0)
    mha = torch.nn.MultiheadAttention(128, 4, batch_first=True)
    x = torch.randn(8, 64, 128, requires_grad=True)

    def step():
        out, w = mha(x, x, x)
        (out.sum() + w.sum()).backward()
        return out

    return step


def bench_sdpa_causal_fwd_bwd(torch):
    """scaled_dot_product_attention(is_causal=True) on (8, 4, 64, 32) q/k/v: fwd + bwd."""
    torch.manual_seed(0)
    q, k, v = (torch.randn(8, 4, 64, 32, requires_grad=True) for _ in range(3))
    F = torch.nn.functional

    def step():
        out = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        out.sum().backward()
        return out

    return step
