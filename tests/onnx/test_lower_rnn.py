"""ONNX lowering of nn.LSTM/GRU/RNN: layers, directions, batch_first, given initial states."""
from __future__ import annotations

import pytest

import ember
from ember import nn
from ember.onnx import UnsupportedOperatorError
from tests.onnx.onnx_check import export_and_compare


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("with_state", [False, True])
def test_recurrent_layers(kind, bidirectional, with_state):
    ember.manual_seed(0)
    m = getattr(nn, kind)(4, 5, num_layers=2, bidirectional=bidirectional)
    x = ember.randn(6, 3, 4)
    args = (x,)
    if with_state:
        h = ember.randn(2 * (2 if bidirectional else 1), 3, 5)
        args = (x, (h, ember.randn(*h.shape)) if kind == "LSTM" else h)
    export_and_compare(m, *args)


def test_batch_first_no_bias_relu_rnn():
    ember.manual_seed(0)
    export_and_compare(nn.LSTM(3, 4, batch_first=True, bias=False), ember.randn(2, 5, 3))
    export_and_compare(nn.RNN(3, 4, nonlinearity="relu", batch_first=True), ember.randn(2, 5, 3))


def test_word_language_model_shape():
    """pytorch/examples' word_language_model exports (embedding, LSTM, decoder) this way."""
    class RNNModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.drop = nn.Dropout(0.5)
            self.encoder = nn.Embedding(10, 4)
            self.rnn = nn.LSTM(4, 5, 2, dropout=0.5)
            self.decoder = nn.Linear(5, 10)

        def forward(self, x, hidden):
            emb = self.drop(self.encoder(x))
            output, hidden = self.rnn(emb, hidden)
            decoded = self.decoder(self.drop(output)).view(-1, 10)
            return nn.functional.log_softmax(decoded, dim=1), hidden
    ember.manual_seed(0)
    hidden = (ember.zeros(2, 3, 5), ember.zeros(2, 3, 5))
    export_and_compare(RNNModel(), ember.randint(0, 10, (6, 3)), hidden)


def test_unsupported_rnn_forms():
    for m, x in ((nn.LSTM(3, 4, proj_size=2), ember.randn(5, 2, 3)),
                 (nn.GRU(3, 4), ember.randn(5, 3))):
        with pytest.raises(UnsupportedOperatorError, match="ONNX"):
            ember.onnx.export(m, (x,), __import__("io").BytesIO())
