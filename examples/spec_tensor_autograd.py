"""The spec notebook's tensor and autograd sections (up to "多gpu并行计算"), cell by cell, as one
program. `python examples/spec_tensor_autograd.py` runs it on ember, `... --torch` on PyTorch;
tests/test_spec_examples.py checks that both print the same."""
import sys

if "--torch" in sys.argv:
    import torch
else:
    import ember as torch
import numpy as np

# Deliberate addition to the notebook: a fixed seed, so that rand/randn print the same numbers on
# both frameworks (ember's CPU random streams reproduce torch's bit for bit).
torch.manual_seed(0)

# ---- 创建tensor ----------------------------------------------------------------------------------

# 列表到张量
tensor_from_list = torch.tensor([1, 2, 30])
# ndarray 搭配张量
np_array = np.array([4, 5, 6])
tensor_from_numpy = torch.tensor(np_array)
print(tensor_from_numpy)

# 全零
zero_tensor = torch.zeros((3, 4))
print(zero_tensor)
# 全1
ones_tensor = torch.ones((2, 2))
print(ones_tensor)
# 指定范围张量
range_tensor = torch.arange(0, 10, 2)
print(range_tensor)
# 均匀分布的tensor
mean_tensor = torch.rand((3, 3))
print(mean_tensor)
# 正态分布tensor
normal_tensor = torch.randn((3, 3))
print(normal_tensor)

# 未初始化的tensor (its values are whatever memory held: the test checks only its form)
empty_tensor = torch.empty((2, 2))

# 常见与某个tensor形状相同的tensor
same_shape_tensor = torch.ones_like(normal_tensor)
print(empty_tensor)
print(same_shape_tensor)

# ---- 张量的基本操作 -------------------------------------------------------------------------------

# 张量的尺寸
shape_tensor = tensor_from_list.shape
print(shape_tensor)

# 索引
element = tensor_from_list[0]
print(element)

# 切片
sliced_tensor = tensor_from_list[:2]
print(sliced_tensor)

# 改变张量的形状
reshaped_tensor = tensor_from_list.view(1, 3)
# 改成1，3相当于从一维张量转为了二维张量
print(reshaped_tensor)
# 张量转置
transposed_tensor = tensor_from_list.t()
print(transposed_tensor)

# ---- 数学计算 ---------------------------------------------------------------------------------------

tensor_o = torch.ones(1, 3)
tensor_rand = torch.randn(1, 3)
print(tensor_o, tensor_rand)

# 加法操作
tensor_sum = tensor_o + tensor_rand
print("sum:", tensor_sum)

# 乘法操作: 注意matmul是典型的矩阵乘法
product_tensor = torch.matmul(tensor_sum, tensor_o.t())
print(product_tensor)
product_tensor_2 = torch.matmul(tensor_sum.t(), tensor_o)
print(product_tensor_2)

# 广播计算
tensor_o_broad = tensor_o * 3
print(tensor_o_broad)
tensor_o_broad_2 = tensor_o_broad + 2
print(tensor_o_broad_2)

# ---- 自动求导 ---------------------------------------------------------------------------------------

x = torch.randn(3, 3, requires_grad=True)
print(x.grad_fn)
# 由于x是用户创建的叶子节点，因此没有跟踪计算图

x = torch.ones(2, 2, requires_grad=True)
print(x)

# 对张量进行一次计算
y = x ** 2
print(y)
print(y.grad_fn)
# more
z = y * y * 3
out = z.mean()
print(z, out)

# requires_grad属性默认是false
a = torch.randn(3, 2)
a = ((a * 3) / (a - 1))
print(a.requires_grad)
# .requires_grad_()方法可以原地修改张量的requires_grad属性
a.requires_grad_(True)
b = (a * a).sum()
print(b.grad_fn)

# ---- 梯度 ------------------------------------------------------------------------------------------

# 对out反向传播
out.backward()

# 看看d(out)/dx
print(x)
print(x.grad)

# 雅可比向量积的例子:
j = torch.randn(3, requires_grad=True)
print(j)

k = j * 2
m = 0
while k.data.norm() < 1000:
    k = k * 2
    m = m + 1
print(k)
print(m)
# 此时k已经不再是标量，autograd不能直接计算梯度，因此只可以求雅可比向量积。
v = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)
k.backward(v)
print(j.grad)

# 梯度的累加机制: 如果不手动对参数的梯度清零的话，其梯度会一直累加
out2 = x.sum()
out2.backward()
print(x.grad)
out3 = x.sum()
x.grad.data.zero_()
out3.backward()
print(x.grad)

# ---- 离散追踪 ---------------------------------------------------------------------------------------

print(j.requires_grad)
print((j ** 2).requires_grad)

with torch.no_grad():
    print((j ** 2).requires_grad)

x = torch.ones(1, requires_grad=True)

print(x.data)  # 其实还是一个tensor
print(x.data.requires_grad)

y = 2 * x
x.data *= 100  # 只改变了值，不会记录在计算图，所以不会影响梯度传播
y.backward()
print(x)
print(x.grad)  # 发现导数为2， 与100无关
