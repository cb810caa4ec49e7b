"""The spec notebook's "数据读入" section: a custom Dataset over an annotations CSV and image files
it writes into a temporary folder (NumPy .npy arrays stand in for the .jpg images: neither
pandas, PIL nor torchvision is needed), an ImageFolder-style dataset, and DataLoaders with the
notebook's arguments. `python examples/spec_notebook/03_data_pipeline.py` runs it on ember,
`... --torch` on PyTorch; tests/test_spec_notebook.py checks that both print the same."""
import csv
import os
import sys
import tempfile

import numpy as np

if "--torch" in sys.argv:
    import torch
    import torch.utils.data
    from torch.utils.data import DataLoader, Dataset
else:
    import ember as torch
    import ember.utils.data
    from ember.utils.data import DataLoader, Dataset

# Deliberate addition to the notebook: a fixed seed, so that the shuffled order is the same on
# both frameworks (ember's samplers draw from torch's random streams).
torch.manual_seed(0)

# ---- 设置一些超参数 ---------------------------------------------------------------------------------
batch_size = 16

# ---- 写一个小数据集: image0.npy ... image39.npy 和 annotations.csv --------------------------------------
tmp = tempfile.TemporaryDirectory()
img_dir = tmp.name
rng = np.random.default_rng(0)
rows = []
for i in range(40):
    name = f"image{i}.npy"
    label = i % 10
    # a 3x4x4 uint8 'image' whose pixels encode its index, like read_image's CHW uint8 output
    np.save(os.path.join(img_dir, name), rng.integers(0, 256, (3, 4, 4), dtype=np.uint8))
    rows.append((name, label))
annotations_file = os.path.join(img_dir, "annotations.csv")
with open(annotations_file, "w", newline="") as f:
    csv.writer(f).writerows(rows)


def read_csv(path):
    """The two columns of the notebook's pd.read_csv(annotations_file), as a list of rows."""
    with open(path, newline="") as f:
        return [(name, int(label)) for name, label in csv.reader(f)]


def read_image(path):
    """torchvision.io.read_image's result (a CHW uint8 tensor) for an .npy image."""
    return torch.from_numpy(np.load(path))


# ---- 使用自定义的dataset ----------------------------------------------------------------------------


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


def data_transform(image):
    """uint8 CHW -> float in [0, 1], normalised per channel (a ToTensor + Normalize stand-in)."""
    image = image.float() / 255.0
    return (image - 0.5) / 0.5


def random_flip(image):
    """A random augmentation: in DataLoader workers it draws from each worker's seeded stream."""
    image = data_transform(image)
    return image.flip(-1) if torch.rand(1).item() < 0.5 else image


train_data = MyDataset(annotations_file, img_dir, transform=random_flip)
val_data = MyDataset(annotations_file, img_dir, transform=data_transform,
                     target_transform=lambda label: torch.tensor(label, dtype=torch.long))
print(len(train_data))
image, label = train_data[3]
print(image.shape, image.dtype, label)
print(image[0])
print(val_data[3][1])

# ---- 构建完成dataset以后，就可以使用dataloader批次读入数据了 ---------------------------------------------
train_loader = torch.utils.data.DataLoader(train_data, batch_size=batch_size, num_workers=4,
                                           shuffle=True, drop_last=True)
val_loader = torch.utils.data.DataLoader(val_data, batch_size=batch_size, num_workers=4,
                                         shuffle=False)
# 参数解析
# num_workers, cpu读取数据的进程数
# drop_last, 对于最后达不到batch_size数量的样本，是否丢弃？
print(len(train_loader), len(val_loader))
for epoch in range(2):
    for images, labels in train_loader:
        print(epoch, images.shape, labels)
        print(round(images.sum().item(), 3), images[:, 0, 0, 0])
for images, labels in val_loader:
    print(images.shape, labels)

# ---- ImageFolder 的结构: path 下每个子目录对应一个类 -------------------------------------------------------
# torchvision is not part of ember; this small Dataset reads the same folder layout.


class ImageFolderLike(Dataset):
    def __init__(self, root, transform=None):
        self.classes = sorted(d.name for d in os.scandir(root) if d.is_dir())
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}
        self.samples = [(os.path.join(root, c, f), self.class_to_idx[c])
                        for c in self.classes for f in sorted(os.listdir(os.path.join(root, c)))]
        self.transform = transform

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, idx):
        path, target = self.samples[idx]
        image = read_image(path)
        return (self.transform(image) if self.transform else image), target


root = os.path.join(img_dir, "train")
for i, cls in enumerate(["cat", "dog", "bird"]):
    os.makedirs(os.path.join(root, cls))
    for j in range(2 + i):
        np.save(os.path.join(root, cls, f"{j}.npy"), np.full((3, 2, 2), 10 * i + j,
                                                                     dtype=np.uint8))
folder = ImageFolderLike(root, transform=data_transform)
print(folder.classes, folder.class_to_idx, len(folder))
loader = DataLoader(folder, batch_size=4, shuffle=True)
for images, targets in loader:
    print(images[:, 0, 0, 0], targets)

# random_split into train and validation parts
train_part, val_part = torch.utils.data.random_split(train_data, [30, 10])
print(len(train_part), len(val_part), val_part.indices)
tmp.cleanup()
