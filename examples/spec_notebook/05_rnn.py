"""The spec notebook's recurrent cells ("RNN", "RNN的梯度消失与梯度爆炸问题", "LSTM", "GRU"): the
notebook only describes nn.RNN's constructor and the gradient clipping remedy, so this program
builds each layer with the listed parameters, prints output shapes and clips gradients.
`python examples/spec_notebook/05_rnn.py` runs it on ember, `... --torch` on PyTorch."""
import sys

if "--torch" in sys.argv:
    import torch
    from torch import nn
else:
    import ember as torch
    from ember import nn

# Deliberate addition to the notebook: a fixed seed, so that weights and inputs match.
torch.manual_seed(0)

# ---- RNN -----------------------------------------------------------------------------------------
# input_size：输入数据X的特征值的数目; hidden_size：隐藏层的神经元数量; num_layers：层数;
# bias; batch_first; dropout
seq_len, batch, input_size, hidden_size = 5, 3, 4, 6
rnn = nn.RNN(input_size=input_size, hidden_size=hidden_size, num_layers=2, bias=True,
             batch_first=False, dropout=0.0)
print(rnn)
x = torch.randn(seq_len, batch, input_size)  # 默认情况下第一个维度是序列的长度
output, h_n = rnn(x)
print(output.shape, h_n.shape)
print([(name, tuple(p.shape)) for name, p in rnn.named_parameters()])
# 注意，RNN每个时间步共享一个RNN单元: h_t = tanh(W_hx x_t + W_hh h_{t-1} + b_h)
h = torch.zeros(batch, hidden_size)
single = nn.RNN(input_size, hidden_size)
for t in range(seq_len):
    h = torch.tanh(x[t] @ single.weight_ih_l0.T + single.bias_ih_l0
                   + h @ single.weight_hh_l0.T + single.bias_hh_l0)
print(torch.allclose(single(x)[1][0], h, atol=1e-6))

# batch_first=True: 第一个维度就是 batch 值
rnn_bf = nn.RNN(input_size, hidden_size, batch_first=True, bias=False)
out_bf, h_bf = rnn_bf(x.transpose(0, 1))
print(out_bf.shape, h_bf.shape, len(list(rnn_bf.parameters())))
print(out_bf[0, -1])

# dropout: 除最后一层外每层输出后跟一个 dropout 层
rnn_drop = nn.RNN(input_size, hidden_size, num_layers=3, dropout=0.5)
print(rnn_drop)
rnn_drop.eval()
print(rnn_drop(x)[0].shape)

# ---- RNN的梯度消失与梯度爆炸问题: 梯度裁剪 ---------------------------------------------------------------
rnn.train()
output, h_n = rnn(x)
loss = (output ** 2).sum() * 100.0  # a large loss, so that the gradients are large
loss.backward()
total_norm = nn.utils.clip_grad_norm_(rnn.parameters(), max_norm=1.0)
print(total_norm)
clipped = torch.sqrt(sum((p.grad ** 2).sum() for p in rnn.parameters()))
print(round(clipped.item(), 4))
rnn.zero_grad()
output, _ = rnn(x)
output.sum().backward()
nn.utils.clip_grad_value_(rnn.parameters(), clip_value=0.1)
print(max(p.grad.abs().max().item() for p in rnn.parameters()) <= 0.1 + 1e-6)
print(rnn.weight_hh_l1.grad)

# ---- LSTM ----------------------------------------------------------------------------------------
lstm = nn.LSTM(input_size, hidden_size, num_layers=2)
print(lstm)
output, (h_n, c_n) = lstm(x)
print(output.shape, h_n.shape, c_n.shape)
print(lstm.weight_ih_l0.shape)  # 三个门加候选cell: 4 * hidden_size
print(h_n[-1])
h0, c0 = torch.zeros(2, batch, hidden_size), torch.ones(2, batch, hidden_size)
output, (h_n, c_n) = lstm(x, (h0, c0))
print(c_n[0])
output.mean().backward()
print(lstm.bias_hh_l0.grad)

# ---- GRU -----------------------------------------------------------------------------------------
gru = nn.GRU(input_size, hidden_size, num_layers=1, batch_first=True)
print(gru)
output, h_n = gru(x.transpose(0, 1))
print(output.shape, h_n.shape)
print(gru.weight_hh_l0.shape)  # 重置门、更新门、候选隐藏状态: 3 * hidden_size
print(output[:, -1])
output.pow(2).sum().backward()
print(nn.utils.clip_grad_norm_(gru.parameters(), max_norm=0.5, norm_type=2.0))
print(gru.bias_ih_l0.grad)
