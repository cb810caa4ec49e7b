"""SummaryWriter: torch.utils.tensorboard's writer of TensorBoard event files, on the tensorboard
package's EventFileWriter (an optional dependency: `pip install tensorboard`)."""
from __future__ import annotations

import os
import socket
import time
from datetime import datetime

from tensorboard.compat.proto.event_pb2 import Event, SessionLog
from tensorboard.summary.writer.event_file_writer import EventFileWriter

from ...autograd.grad_mode import no_grad
from . import summary as _summary

__all__ = ["FileWriter", "SummaryWriter"]


class FileWriter:
    """One event file in one folder; stamps each event with its step and wall time."""

    def __init__(self, log_dir: str, max_queue: int = 10, flush_secs: int = 120,
                 filename_suffix: str = "") -> None:
        self.event_writer = EventFileWriter(str(log_dir), max_queue, flush_secs, filename_suffix)

    def get_logdir(self) -> str:
        return self.event_writer.get_logdir()

    def add_event(self, event: Event, step=None, walltime=None) -> None:
        event.wall_time = time.time() if walltime is None else walltime
        if step is not None:
            event.step = int(step)
        self.event_writer.add_event(event)

    def add_summary(self, summary, global_step=None, walltime=None) -> None:
        self.add_event(Event(summary=summary), global_step, walltime)

    def add_graph(self, graph_def, walltime=None) -> None:
        self.add_event(Event(graph_def=graph_def.SerializeToString()), None, walltime)

    def flush(self) -> None:
        self.event_writer.flush()

    def close(self) -> None:
        self.event_writer.close()


class SummaryWriter:
    """Writes scalars, histograms, images, text, hparams and graphs for TensorBoard to `log_dir`
    (default `runs/<Mon DD_HH-MM-SS>_<host><comment>`), as torch.utils.tensorboard does."""

    def __init__(self, log_dir=None, comment: str = "", purge_step=None, max_queue: int = 10,
                 flush_secs: int = 120, filename_suffix: str = "") -> None:
        if not log_dir:
            stamp = datetime.now().strftime("%b%d_%H-%M-%S")
            log_dir = os.path.join("runs", stamp + "_" + socket.gethostname() + comment)
        self.log_dir = str(log_dir)
        self.purge_step = purge_step
        self.max_queue = max_queue
        self.flush_secs = flush_secs
        self.filename_suffix = filename_suffix
        self.file_writer = None
        self.all_writers = None
        self.default_bins = "tensorflow"
        self._get_file_writer()

    def _new_writer(self, log_dir: str) -> FileWriter:
        fw = FileWriter(log_dir, self.max_queue, self.flush_secs, self.filename_suffix)
        if self.purge_step is not None:  # TensorBoard drops later events of an earlier run
            fw.add_event(Event(step=self.purge_step, file_version="brain.Event:2"))
            fw.add_event(Event(step=self.purge_step,
                               session_log=SessionLog(status=SessionLog.START)))
        return fw

    def _get_file_writer(self) -> FileWriter:
        """The main writer, made again after close() (as torch's writer does)."""
        if self.all_writers is None or self.file_writer is None:
            self.file_writer = self._new_writer(self.log_dir)
            self.all_writers = {self.file_writer.get_logdir(): self.file_writer}
            self.purge_step = None
        return self.file_writer

    def get_logdir(self) -> str:
        return self.log_dir

    def add_scalar(self, tag: str, scalar_value, global_step=None, walltime=None,
                   new_style: bool = False, double_precision: bool = False) -> None:
        s = _summary.scalar(tag, scalar_value, new_style, double_precision)
        self._get_file_writer().add_summary(s, global_step, walltime)

    def add_scalars(self, main_tag: str, tag_scalar_dict: dict, global_step=None,
                    walltime=None) -> None:
        """Each entry goes to its own run folder `<log_dir>/<main_tag>_<tag>`, under main_tag."""
        walltime = time.time() if walltime is None else walltime
        base = self._get_file_writer().get_logdir()
        for tag, value in tag_scalar_dict.items():
            path = base + "/" + main_tag.replace("/", "_") + "_" + tag
            fw = self.all_writers.get(path)
            if fw is None:
                fw = self.all_writers[path] = self._new_writer(path)
            fw.add_summary(_summary.scalar(main_tag, value), global_step, walltime)

    def add_histogram(self, tag: str, values, global_step=None, bins="tensorflow",
                      walltime=None, max_bins=None) -> None:
        if bins == "tensorflow":
            bins = self.default_bins
        s = _summary.histogram(tag, values, bins, max_bins=max_bins)
        self._get_file_writer().add_summary(s, global_step, walltime)

    def add_image(self, tag: str, img_tensor, global_step=None, walltime=None,
                  dataformats: str = "CHW") -> None:
        s = _summary.image(tag, img_tensor, dataformats=dataformats)
        self._get_file_writer().add_summary(s, global_step, walltime)

    def add_images(self, tag: str, img_tensor, global_step=None, walltime=None,
                   dataformats: str = "NCHW") -> None:
        s = _summary.image(tag, img_tensor, dataformats=dataformats)
        self._get_file_writer().add_summary(s, global_step, walltime)

    def add_text(self, tag: str, text_string: str, global_step=None, walltime=None) -> None:
        self._get_file_writer().add_summary(_summary.text(tag, text_string), global_step,
                                            walltime)

    def add_hparams(self, hparam_dict: dict, metric_dict: dict, hparam_domain_discrete=None,
                    run_name=None, global_step=None) -> None:
        """One hyper-parameter run: the hparams summaries and each metric as a scalar, written to
        `<log_dir>/<run_name>` (run_name defaults to the current time)."""
        if type(hparam_dict) is not dict or type(metric_dict) is not dict:
            raise TypeError("hparam_dict and metric_dict should be dictionary.")
        exp, start, end = _summary.hparams(hparam_dict, metric_dict, hparam_domain_discrete)
        run_name = run_name or str(time.time())
        with SummaryWriter(log_dir=os.path.join(self._get_file_writer().get_logdir(),
                                                run_name)) as w:
            for s in (exp, start, end):
                w.file_writer.add_summary(s, global_step)
            for k, v in metric_dict.items():
                w.add_scalar(k, v, global_step)

    def add_graph(self, model, input_to_model=None, verbose: bool = False,
                  use_strict_trace: bool = True) -> None:
        """The model's leaf modules in the order one forward pass calls them (ember records the
        call order with forward hooks; torch traces the graph with TorchScript)."""
        calls = []
        handles = []
        root = type(model).__name__
        for name, m in model.named_modules():
            if next(iter(m.children()), None) is None and name:
                scope = root + "/" + "/".join(
                    f"{type(model.get_submodule(p)).__name__}[{p.rsplit('.', 1)[-1]}]"
                    for p in _prefixes(name))

                def hook(mod, args, out, scope=scope):
                    shape = tuple(out.shape) if hasattr(out, "shape") else ()
                    calls.append((scope, type(mod).__name__, shape))

                handles.append(m.register_forward_hook(hook))
        inputs = input_to_model if isinstance(input_to_model, (tuple, list)) else \
            (input_to_model,) if input_to_model is not None else ()
        try:
            with no_grad():
                model(*inputs)
        finally:
            for h in handles:
                h.remove()
        if verbose:
            for scope, op, shape in calls:
                print(f"{scope}: {op} -> {list(shape)}")
        self._get_file_writer().add_graph(_summary.graph(calls))

    def flush(self) -> None:
        if self.all_writers is None:
            return
        for w in self.all_writers.values():
            w.flush()

    def close(self) -> None:
        if self.all_writers is None:
            return
        for w in self.all_writers.values():
            w.flush()
            w.close()
        self.file_writer = self.all_writers = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb) -> None:
        self.close()


def _prefixes(name: str) -> list:
    """'a.b.c' -> ['a', 'a.b', 'a.b.c']: each module on the path to a leaf."""
    parts = name.split(".")
    return [".".join(parts[:i + 1]) for i in range(len(parts))]
