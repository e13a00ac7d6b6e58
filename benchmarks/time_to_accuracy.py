"""Time to accuracy: the test accuracy a user gets after 5, 15 and 30 minutes of distillation (issue 12).

For each setting the script distills for the longest budget, keeps a snapshot of the synthetic set's state (every
learned tensor: images, and labels where the kind learns them) when the wall clock (from the first step, pool filling
included) passes each budget, then evaluates every snapshot with the standard protocol
(`evaluate`: fresh ConvNets, the 'dd_nb' preset unless `--protocols` names others, final epoch, test split). Evaluation time is not
part of the budget. The distillation must run **alone** on the machine: the budgets are wall-clock seconds, so a
second job on the cores takes steps away (the results record the load average before and after).

    DD_NB_DATA=/path/to/data python benchmarks/time_to_accuracy.py --minutes 5 15 30                 # the issue's curve (about 1.5 h on 2 CPU cores)
    DD_NB_DATA=/path/to/data python benchmarks/time_to_accuracy.py --minutes 5 15 30 --device cuda   # on a GPU
    python benchmarks/time_to_accuracy.py --dataset digits --minutes 0.1 0.3 --eval-models 2 --tag smoke

Settings (`--settings`): 'pool' is dd_nb's command-line DataDAM (a pool of 50 networks x 64 real images per class,
the image lr validated per image size); 'paper' is the authors' loop as issue 12 timed it (a fresh network and 64
real images per class every step, p=1, batch norm: their code's settings); 'pool_lowres2' is 'pool' distilling IDC's
multi-formation (`LowResSet`, factor 2: four 14x14 images in the bytes of each 28x28 one, `--kind LowResSet`). Writes
`results/time_to_accuracy_<dataset>[_tag].{json,md,png}`.
"""
from __future__ import annotations
import argparse, time
import torch
from dd_nb.core import resolve_device
from dd_nb.data import load_dataset
from dd_nb.synset import init_synset
from dd_nb.distill import distill, Callback
from dd_nb.train import evaluate
from dd_nb.results import find_results_dir, describe_machine, write_results

RESULTS = find_results_dir(__file__)
SETTINGS = {'pool': dict(pool=50, pool_real=64),
            'paper': dict(pool=0, batch_real=64, p=1.0, norm='batch'),
            'pool_lowres2': dict(pool=50, pool_real=64)}
KINDS = {'pool_lowres2': dict(kind='LowResSet', factor=2)}   # the set kind of a setting (default PixelSet)


class WallClockSnapshots(Callback):
    "Copy the images when the wall clock passes each budget (seconds from the first step); stop after the last one."
    def __init__(self, budgets): self.budgets, self.taken = sorted(budgets), []
    def before_fit(self, run): self.t0 = time.time()
    def after_step(self, run):
        elapsed = time.time() - self.t0
        while len(self.taken) < len(self.budgets) and elapsed >= self.budgets[len(self.taken)]:
            state = {k: v.detach().clone().cpu() for k, v in run.synset.state_dict().items()}
            self.taken.append(dict(budget_s=self.budgets[len(self.taken)], elapsed_s=round(elapsed, 1), step=run.step, state=state))
        if len(self.taken) == len(self.budgets): run.steps = run.step   # the loop ends after this step


def run_setting(data, name, ipc, minutes, seed, eval_models, protocols):
    syn = init_synset(data, ipc, generator=torch.Generator().manual_seed(100 + seed), **KINDS.get(name, {}))
    snaps = WallClockSnapshots([60 * m for m in minutes])
    t0 = time.time()
    run = distill(syn, data, 'datadam', steps=10 ** 9, seed=seed, callbacks=[snaps], progress=False, **SETTINGS[name])
    rows = []
    for s in snaps.taken:
        syn.load_state_dict(s['state'])
        for protocol in protocols:
            r = evaluate(syn, data, n_models=eval_models, seed=seed, protocol=protocol)
            rows.append(dict(setting=name, options=SETTINGS[name] | KINDS.get(name, {}), minutes=s['budget_s'] / 60, elapsed_s=s['elapsed_s'],
                             steps=s['step'], mean=r.mean, std=r.std, accuracies=r.accuracies, eval_seconds=round(r.seconds, 1), protocol=r.protocol))
            print(f"{name:6s} {s['budget_s'] / 60:5.1f} min ({s['step']} steps), {protocol}: {r}", flush=True)
    return rows, round(time.time() - t0, 1), run.config


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--dataset', default='mnist'); ap.add_argument('--ipc', type=int, default=1)
    ap.add_argument('--minutes', type=float, nargs='+', default=[5, 15, 30])
    ap.add_argument('--settings', nargs='+', default=list(SETTINGS), choices=list(SETTINGS))
    ap.add_argument('--seed', type=int, default=0); ap.add_argument('--eval-models', type=int, default=5)
    ap.add_argument('--protocols', nargs='+', default=['dd_nb'], help='evaluation presets, each snapshot scored under each'); ap.add_argument('--device', default='auto')
    ap.add_argument('--threads', type=int, default=None); ap.add_argument('--tag', default='')
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    device = resolve_device(a.device)
    data = load_dataset(a.dataset).to(device)
    before = describe_machine(device); rows, config = [], {}
    for name in a.settings:            # results written after each setting, so a stopped run keeps what it measured
        r, secs, config[name] = run_setting(data, name, a.ipc, a.minutes, a.seed, a.eval_models, a.protocols)
        rows += r
        write(a, rows, config, before, device)


def write(a, rows, config, before, device):
    out = dict(dataset=a.dataset, ipc=a.ipc, minutes=a.minutes, seed=a.seed, rows=rows, distill_config=config,
               machine_before=before, machine_after=describe_machine(device), date=time.strftime('%Y-%m-%d %H:%M'),
               note='budget = wall-clock seconds of distillation from the first step (pool filling included); evaluation not counted')
    stem = f"time_to_accuracy_{a.dataset}{'_' + a.tag if a.tag else ''}"
    lines = [f"**Time to accuracy, {a.dataset} IPC {a.ipc}** (DataDAM; {a.eval_models} ConvNets per point, final epoch, test split; "
             f"seed {a.seed}; {before['cpu']}, {before['threads']} threads, {before['device']})", '',
             '| setting | budget (min) | steps done | protocol | test accuracy (%) |', '|---|---|---|---|---|']
    lines += [f"| {r['setting']} | {r['minutes']:g} | {r['steps']} | {r['protocol']['protocol']} | {r['mean']:.1f} ± {r['std']:.1f} |" for r in rows]
    write_results(stem, out, table='\n'.join(lines), folder=RESULTS); print('\n'.join(lines))
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for name, proto in dict.fromkeys((r['setting'], r['protocol']['protocol']) for r in rows):
        rs = [r for r in rows if r['setting'] == name and r['protocol']['protocol'] == proto]
        ax.errorbar([r['minutes'] for r in rs], [r['mean'] for r in rs], [r['std'] for r in rs], marker='o', capsize=3, label=f'{name} ({proto})')
    ax.set_xlabel('minutes of distillation'); ax.set_ylabel('test accuracy (%)'); ax.legend()
    ax.set_title(f'time to accuracy, {a.dataset} IPC {a.ipc} ({before["device"]})'); fig.tight_layout()
    fig.savefig(RESULTS / f'{stem}.png', dpi=120); plt.close(fig); print('wrote', RESULTS / f'{stem}.json')


if __name__ == '__main__':
    main()
