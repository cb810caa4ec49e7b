"""The spec notebook's fine-tuning cell that builds 14 torchvision models without pretrained
weights ("默认情况下，models中的模型是不包含预训练参数的"). Each is printed as its class, parameter
count and first initial weights, which match torchvision's after the same manual_seed.
`python examples/spec_notebook/19_model_zoo_constructors.py` runs it on ember (`ember.vision`
standing for torchvision), `... --torch` on PyTorch + torchvision; tests/test_spec_notebook.py
checks that both print the same."""
import sys
import warnings

if "--torch" in sys.argv:
    import torch

    # torchvision 0.28's compiled ops cannot load against the CPU build of torch 2.13 and its
    # import dies inside torch.library.register_fake: a no-op decorator for the duration of the
    # import leaves the models usable.
    _register_fake = torch.library.register_fake
    torch.library.register_fake = lambda *args, **kwargs: (lambda fn: fn)
    from torchvision import models
    torch.library.register_fake = _register_fake
else:
    import ember as torch
    from ember.vision import models

# Deliberate addition to the notebook: a fixed seed, so that both frameworks draw the same weights.
torch.manual_seed(0)

# 首先，从torchvision库搞个预训练模型下来
# 默认情况下，models中的模型是不包含预训练参数的
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    resnet18 = models.resnet18(pretrained=False)
    alexnet = models.alexnet()
    vgg16 = models.vgg16()
    squeezenet = models.squeezenet1_0()
    densenet = models.densenet161()
    inception = models.inception_v3()
    googlenet = models.googlenet()
    shufflenet = models.shufflenet_v2_x1_0()
    mobilenet_v2 = models.mobilenet_v2()
    mobilenet_v3_large = models.mobilenet_v3_large()
    mobilenet_v3_small = models.mobilenet_v3_small()
    resnext50_32x4d = models.resnext50_32x4d()
    wide_resnet50_2 = models.wide_resnet50_2()
    mnasnet = models.mnasnet1_0()

# Deliberate addition: the warnings the cell gives, then what each constructor built
for w in caught:
    print(f"{w.category.__name__}: {w.message}")
for name in ["resnet18", "alexnet", "vgg16", "squeezenet", "densenet", "inception", "googlenet",
             "shufflenet", "mobilenet_v2", "mobilenet_v3_large", "mobilenet_v3_small",
             "resnext50_32x4d", "wide_resnet50_2", "mnasnet"]:
    model = globals()[name]
    params = list(model.parameters())
    first = ", ".join(f"{v:.4f}" for v in params[0].flatten()[:3].tolist())
    print(f"{name}: {type(model).__name__}, {sum(p.numel() for p in params)} parameters, "
          f"first weights [{first}]")
