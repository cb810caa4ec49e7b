"""ember.tools: what PyTorch lacks built in; `python -m ember.tools.train` is the first-run demo."""
