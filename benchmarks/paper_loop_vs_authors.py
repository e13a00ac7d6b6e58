"""DataDAM's paper loop, side by side: dd_nb vs the authors' code, seconds per distillation step on one machine.

Issue 12 asks for dd_nb's loop at the authors' settings to be at least 1.5x faster than the authors' own loop,
measured side by side. This script times both in one process, interleaved, on the same data:

- **authors**: the step of `main_DataDAM.py` (DataDistillation/DataDAM) rebuilt from the functions of that repository,
  imported from `--authors PATH` (`utils.get_network`, `DiffAugment`, `ParamDiffAug`, `get_attention`): a fresh
  batch-norm ConvNet per step, 64 real images per class drawn through a numpy permutation, one DSA seed per class
  shared by the real and the synthetic images, forward hooks on the ReLUs, attention power 1 (`exp=1`), loss x100
  and output term x100 x 0.01 (their `MSE_B`), SGD step on the images (lr 1, momentum 0.5). Only the device is
  changed: their `get_network` ends with `net.cuda()`, made a no-op here. Their `utils` imports kornia, einops and scipy; install them beside (`pip install --target DIR
  kornia einops`) and put DIR on `PYTHONPATH`.
- **dd_nb**: `DataDAM(pool=0, p=1, norm='batch', batch_real=64)` (`--opt pool=0 --opt p=1 --opt norm=batch` on the
  command line): the same work, one forward for all classes.
- **paper settings** (p = 4, instance norm) for both: the authors' `networks.ConvNet(net_norm='instancenorm')` with
  `exp=4`, and `DataDAM(pool=0, p=4, norm='instance', batch_real=64)`.
- **floor**: one no-grad forward of the 640 real images through a fresh batch-norm ConvNet (default layout and
  channels-last) and an instance-norm one (the paper's settings): the part of a step no implementation can skip.

After one warm-up step each, `--rounds` rounds of `--steps` timed steps per loop, the loops interleaved within each
round so that machine noise falls on all of them; the table reports the median over rounds of the mean seconds per
step. Run it alone: a second job on a 2-core machine slows every number.

    PYTHONPATH=/tmp/authdeps DD_NB_DATA=/path/to/data python benchmarks/paper_loop_vs_authors.py --authors /path/to/DataDAM
"""
from __future__ import annotations
import argparse, importlib, statistics, sys, time
from pathlib import Path
import numpy as np
import torch, torch.nn as nn
from dd_nb.data import load_dataset
from dd_nb.synset import init_synset
from dd_nb.datadam import DataDAM
from dd_nb.nets import make_net, in_channels_last, to_channels_last
from dd_nb.results import find_results_dir, describe_machine, format_machine, write_results

RESULTS = find_results_dir(__file__)


def cpu_only(fn, *args):
    "Call `fn` with `nn.Module.cuda` a no-op: the authors' `get_network` ends with `net.cuda()` (the one CPU patch)."
    cuda = nn.Module.cuda
    nn.Module.cuda = lambda self, *a, **k: self
    try: return fn(*args)
    finally: nn.Module.cuda = cuda


def authors_loop(U, N, data, ipc, paper:bool):
    "A step function running the authors' DataDAM step with their functions (batch norm and exp=1, or IN and exp=4)."
    C, (ch, h, w) = data.n_classes, data.shape
    images_all = data.x_train
    indices_class = [torch.nonzero(data.y_train == c).flatten().tolist() for c in range(C)]
    image_syn = images_all[[indices_class[c][0] for c in range(C) for _ in range(ipc)]].clone().requires_grad_(True)
    opt = torch.optim.SGD([image_syn], lr=1.0, momentum=0.5)
    dsa_param, strategy, batch_real, exp = U.ParamDiffAug(), 'color_crop_cutout_flip_scale_rotate', 64, 4 if paper else 1
    def mse_b(real, syn, n):     # their 'MSE_B': class means of real and synthetic, squared distance summed
        return torch.sum((real.reshape(C, batch_real, -1).mean(1).cpu() - syn.cpu().reshape(C, n, -1).mean(1)) ** 2)
    def step():
        if paper: net = N.ConvNet(channel=ch, num_classes=C, net_width=128, net_depth=3, net_act='relu', net_norm='instancenorm',
                                  net_pooling='avgpooling', im_size=(h, w))
        else: net = cpu_only(U.get_network, 'ConvNet', ch, C, (h, w))
        net.train()
        for p in net.parameters(): p.requires_grad = False
        reals, syns = [], []
        for c in range(C):
            img_real = images_all[np.random.permutation(indices_class[c])[:batch_real]]
            img_syn = image_syn[c * ipc:(c + 1) * ipc]
            seed = int(time.time() * 1000) % 100000
            reals.append(U.DiffAugment(img_real, strategy, seed=seed, param=dsa_param))
            syns.append(U.DiffAugment(img_syn, strategy, seed=seed, param=dsa_param))
        acts = {}
        relus = [m for m in net.features if isinstance(m, nn.ReLU)]
        hooks = [m.register_forward_hook(lambda m, i, o, k=k: acts.__setitem__(k, o.clone())) for k, m in enumerate(relus)]
        out_real = net(torch.cat(reals))[0].detach(); real_acts = [acts[k] for k in sorted(acts)]; acts.clear()
        out_syn = net(torch.cat(syns))[0]; syn_acts = [acts[k] for k in sorted(acts)]
        for hk in hooks: hk.remove()
        loss = torch.tensor(0.0)
        for r, s in zip(real_acts[:-1], syn_acts[:-1]):
            loss = loss + 100 * mse_b(U.get_attention(r.detach(), param=1, exp=exp, norm='l2'), U.get_attention(s, param=1, exp=exp, norm='l2'), ipc)
        loss = loss + 100 * 0.01 * mse_b(out_real, out_syn, ipc)
        opt.zero_grad(); loss.backward(); opt.step(); loss.item()
    return step


def ours_loop(data, ipc, paper:bool):
    "A step function running dd_nb's DataDAM paper loop (fresh network per step) at the authors' or the paper's settings."
    syn = init_synset(data, ipc, generator=torch.Generator().manual_seed(0))
    obj = DataDAM(pool=0, batch_real=64, p=4. if paper else 1., norm='instance' if paper else 'batch'); obj.setup(syn, data)
    opt = torch.optim.SGD([syn.images], lr=1.0, momentum=0.5)
    g, i = torch.Generator().manual_seed(0), [0]
    def step():
        loss = obj.loss(syn, data, g, i[0])['loss']; i[0] += 1
        opt.zero_grad(); loss.backward(); opt.step(); loss.item()
    return step


def floor_loop(data, channels_last:bool, norm:str='batch'):
    "One no-grad forward of 64 real images per class through a fresh ConvNet with `norm`."
    x = data.x_train[:64 * data.n_classes]; g = torch.Generator().manual_seed(0)
    def step():
        net = make_net('convnet', data, g, norm=norm).train()
        with torch.no_grad(), in_channels_last(net, enabled=channels_last): net(to_channels_last(x, channels_last))
    return step


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--authors', required=True, help='a checkout of github.com/DataDistillation/DataDAM (utils.py, networks.py)')
    ap.add_argument('--dataset', default='mnist'); ap.add_argument('--ipc', type=int, default=1)
    ap.add_argument('--rounds', type=int, default=3); ap.add_argument('--steps', type=int, default=6)
    ap.add_argument('--threads', type=int, default=2); ap.add_argument('--tag', default='', help='suffix of the results files (a repeat run)')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    sys.path.insert(0, str(Path(a.authors).resolve()))
    U, N = importlib.import_module('utils'), importlib.import_module('networks')
    data = load_dataset(a.dataset)
    loops = {'authors (batch norm, p=1)': authors_loop(U, N, data, a.ipc, False), 'dd_nb (batch norm, p=1)': ours_loop(data, a.ipc, False),
             'authors (paper: instance norm, p=4)': authors_loop(U, N, data, a.ipc, True), 'dd_nb (paper: instance norm, p=4)': ours_loop(data, a.ipc, True),
             'floor: forward of 640 real images': floor_loop(data, False), 'floor, channels-last': floor_loop(data, True),
             'floor, instance norm': floor_loop(data, False, 'instance')}
    for f in loops.values(): f()                                               # warm-up
    times = {k: [] for k in loops}
    for r in range(a.rounds):
        for k, f in loops.items():
            t = time.perf_counter()
            for _ in range(a.steps): f()
            times[k].append((time.perf_counter() - t) / a.steps)
        print(f'round {r + 1}: ' + ', '.join(f'{k} {v[-1]:.3f}' for k, v in times.items()), flush=True)
    med = {k: statistics.median(v) for k, v in times.items()}
    machine = describe_machine('cpu')
    res = dict(dataset=a.dataset, ipc=a.ipc, rounds=a.rounds, steps=a.steps, machine=machine, seconds_per_step=times, median=med,
               speedup_authors_settings=med['authors (batch norm, p=1)'] / med['dd_nb (batch norm, p=1)'],
               speedup_paper_settings=med['authors (paper: instance norm, p=4)'] / med['dd_nb (paper: instance norm, p=4)'])
    floor = med['floor, channels-last']
    lines = [f"**DataDAM paper loop, {a.dataset} IPC {a.ipc}: seconds per step, side by side** ({a.rounds} interleaved rounds of {a.steps} "
             f"steps after a warm-up, median of round means; {format_machine(machine)})", '',
             '| loop | s / step | rounds | x floor (channels-last) |', '|---|---|---|---|']
    for k, v in med.items():
        lines.append(f"| {k} | {v:.3f} | {', '.join(f'{t:.3f}' for t in times[k])} | {v / floor:.2f} |")
    lines += ['', f"dd_nb is {res['speedup_authors_settings']:.2f}x faster than the authors' loop at their code's settings and "
                  f"{res['speedup_paper_settings']:.2f}x at the paper's."]
    stem = f"paper_loop_vs_authors_{a.dataset}_ipc{a.ipc}{'_' + a.tag if a.tag else ''}"
    write_results(stem, res, table='\n'.join(lines), folder=RESULTS)
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
