"""The spec notebook's "数据读入" cells that use torchvision: `datasets.ImageFolder` with a
`transforms` pipeline, and a custom Dataset that reads its images with `torchvision.io.read_image`,
then the notebook's DataLoaders. The program writes a small folder of PNG images into a temporary
directory. `python examples/spec_notebook/20_vision_data.py` runs it on ember (`ember.vision`
standing for torchvision), `... --torch` on PyTorch + torchvision; tests/test_spec_notebook.py
checks that both print the same."""
import csv
import os
import sys
import tempfile

import numpy as np
from PIL import Image

if "--torch" in sys.argv:
    import torch
    import torch.utils.data
    from torch.utils.data import Dataset

    # torchvision 0.28's compiled ops cannot load against the CPU build of torch 2.13 and its
    # import dies inside torch.library.register_fake: a no-op decorator for the duration of the
    # import leaves datasets, transforms and the Pillow paths usable.
    _register_fake = torch.library.register_fake
    torch.library.register_fake = lambda *args, **kwargs: (lambda fn: fn)
    import torchvision
    torch.library.register_fake = _register_fake
    from torchvision import datasets, transforms
    from torchvision.io import read_image

    if not torchvision.io.image._has_image_ops():
        # Deliberate addition: without the compiled decoders, read the file with Pillow, which
        # gives the (C, H, W) uint8 tensor read_image returns for a PNG.
        def read_image(path):
            return transforms.functional.pil_to_tensor(Image.open(path))
else:
    import ember as torch
    import ember.utils.data
    from ember.utils.data import Dataset
    from ember.vision import datasets, transforms
    from ember.vision.io import read_image

# Deliberate addition to the notebook: a fixed seed, so that the random flips and the shuffled
# order are the same on both frameworks.
torch.manual_seed(0)

# ---- 设置一些超参数 ---------------------------------------------------------------------------------
batch_size = 4

# ---- 写一个小的图片文件夹: train/<class>/*.png, val/<class>/*.png (代替 Windows 路径) -----------------
tmp = tempfile.TemporaryDirectory()
rng = np.random.default_rng(0)
train_path = os.path.join(tmp.name, "train")
val_path = os.path.join(tmp.name, "val")
for split, count in ((train_path, 5), (val_path, 2)):
    for label, cls in enumerate(["cat", "dog", "frog"]):
        os.makedirs(os.path.join(split, cls))
        for i in range(count):
            base = rng.integers(0, 256, (1, 1, 3)) * (label + 1) % 256
            pixels = (base + rng.integers(0, 40, (12, 14, 3))).clip(0, 255).astype(np.uint8)
            Image.fromarray(pixels).save(os.path.join(split, cls, f"{cls}{i}.png"))

data_transform = transforms.Compose([
    transforms.Resize(10),
    transforms.RandomHorizontalFlip(),
    transforms.CenterCrop(8),
    transforms.ToTensor(),
    transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
])

# ---- 使用torch自建的dataset ImageFolder ------------------------------------------------------------
# 这里使用了PyTorch自带的ImageFolder类的用于读取按一定结构存储的图片数据（path对应图片存放的目录，目录下包含若干子目录，每个子目录对应属于同一个类的图片）
# (the notebook's `transfor=data_transform` typo is fixed: ImageFolder has no such argument)
train_data = datasets.ImageFolder(train_path, transform=data_transform)
val_data = datasets.ImageFolder(val_path, transform=data_transform)
print(train_data.classes, train_data.class_to_idx, len(train_data), len(val_data))
print([(os.path.relpath(p, tmp.name), y) for p, y in val_data.samples])
print(repr(val_data).replace(tmp.name, "<tmp>"))
image, label = train_data[7]
print(image.shape, image.dtype, label)
print(image[0, :2])

# ---- 使用自定义的dataset ----------------------------------------------------------------------------
img_dir = os.path.join(tmp.name, "images")
os.makedirs(img_dir)
annotations_file = os.path.join(tmp.name, "annotations.csv")
with open(annotations_file, "w", newline="") as f:
    for i in range(10):
        pixels = rng.integers(0, 256, (6, 5, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(os.path.join(img_dir, f"image{i}.png"))
        csv.writer(f).writerow([f"image{i}.png", i % 10])


def read_csv(path):
    """The two columns of the notebook's pd.read_csv(annotations_file), as a list of rows."""
    with open(path, newline="") as f:
        return [(name, int(label)) for name, label in csv.reader(f)]


class MyDataset(Dataset):
    # 注意实现Dataset父类
    def __init__(self, annotations_file, img_dir, transform=None, target_transform=None):
        self.img_labels = read_csv(annotations_file)
        self.img_dir = img_dir
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self):
        return len(self.img_labels)

    def __getitem__(self, idx):
        """
        image1.jpg, 0
        image2.jpg, 1
        ......
        image9.jpg, 9

        """
        img_path = os.path.join(self.img_dir, self.img_labels[idx][0])
        # 数据加载
        image = read_image(img_path)
        label = self.img_labels[idx][1]
        if self.transform:
            image = self.transform(image)
        if self.target_transform:
            label = self.target_transform(label)
        return image, label


custom = MyDataset(annotations_file, img_dir, transform=transforms.Compose([
    transforms.RandomCrop(4),
    transforms.ConvertImageDtype(torch.float),
]))
raw = read_image(os.path.join(img_dir, "image3.png"))
print(raw.shape, raw.dtype, raw[:, 0, 0].tolist())
image, label = custom[3]
print(image.shape, image.dtype, label, round(image.sum().item(), 4))

# ---- 构建完成dataset以后，就可以使用dataloader批次读入数据了 ---------------------------------------------
train_loader = torch.utils.data.DataLoader(train_data, batch_size=batch_size, num_workers=4,
                                           shuffle=True, drop_last=True)
val_loader = torch.utils.data.DataLoader(val_data, batch_size=batch_size, num_workers=4,
                                         shuffle=False)
# 参数解析
# num_workers, cpu读取数据的进程数
# drop_last, 对于最后达不到batch_size数量的样本，是否丢弃？
print(len(train_loader), len(val_loader))
for images, labels in train_loader:
    print(images.shape, labels, round(images.sum().item(), 3))
for images, labels in val_loader:
    print(images.shape, labels, round(images.mean().item(), 4))
for images, labels in torch.utils.data.DataLoader(custom, batch_size=5, shuffle=True):
    print(images.shape, labels, round(images.sum().item(), 3))
tmp.cleanup()
