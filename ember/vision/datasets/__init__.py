"""torchvision.datasets: folders of images, FakeData, and the MNIST/CIFAR/SVHN families."""
from .cifar import CIFAR10, CIFAR100
from .fakedata import FakeData
from .folder import DatasetFolder, ImageFolder
from .mnist import EMNIST, KMNIST, MNIST, FashionMNIST
from .svhn import SVHN
from .vision import VisionDataset

__all__ = ["CIFAR10", "CIFAR100", "EMNIST", "KMNIST", "MNIST", "SVHN", "DatasetFolder",
           "FakeData", "FashionMNIST", "ImageFolder", "VisionDataset"]
