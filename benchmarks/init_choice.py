"""Which start for the synthetic set, on the validation split: random real images or the class's k-means centroids.

`init='kmeans'` (`nbs/03_synset.ipynb`) starts each class from the centroids of a k-means clustering of its training
images. This script asks, per dataset and method, whether that start beats random real images after distillation,
on the **validation** split only, with distillation seeds as the spread (each seed draws both the real start and the
k-means seeding). Defaults are the command line's recipe for the dataset (steps, real batch, the method's defaults),
so a row answers "would `--init kmeans` help the main job here?".

Protocol per row: one set per (init, seed), `--models` ConvNet-3 students under `--protocol`, final epoch, scored on
the validation split; the row is the mean ± std over seeds of each seed's mean. The distilled set of 0 steps (the
start itself, evaluated the same way) is reported beside it.

    python benchmarks/init_choice.py --dataset digits --method dm --ipc 1 --seeds 0 1 2
    DD_NB_DATA=/path/to/data python benchmarks/init_choice.py --dataset mnist --method datadam --inits kmeans --steps 0 \
        --seeds 0 --models 5 --protocol dc --split test      # the class means of MNIST as a reported baseline
    DD_NB_DATA=/path/to/data python benchmarks/init_choice.py --dataset mnist --method datadam --kind LowResSet --opt factor=2 \
        --inits kmeans --steps 0 --seeds 0 --models 3 --protocol dc     # 4 centroids per class at 14x14, undistilled
"""
from __future__ import annotations
import argparse, json, time
import numpy as np
from pathlib import Path
import torch
from dd_nb.data import load_dataset
from dd_nb.synset import init_synset, INITS
from dd_nb.distill import distill
from dd_nb.train import evaluate
from dd_nb.cli import RECIPES, method_options
from dd_nb.results import find_results_dir, describe_machine, write_results

RESULTS = find_results_dir(__file__)


def summary(row) -> tuple:
    "(mean, std) of a row, in the package's convention (`EvalResult`: numpy's std): over the seeds' means, or over the models of one seed."
    values = row['per_seed'] if len(row['per_seed']) > 1 else row['accuracies'][0]
    return float(np.mean(row['per_seed'])), float(np.std(values))


def table(res) -> str:
    "The markdown table of a results file (rows and the run's settings)."
    rows, r0 = res['rows'], res['rows'][0]
    kind, opt = res.get('kind'), res.get('opt', [])
    what = f"{r0['method']} (command-line recipe)" if any(r['steps'] for r in rows) else 'the start alone, no distillation'
    over = (f"seeds {r0['seeds']} (each draws the start, the distillation and the models)" if len(r0['seeds']) > 1
            else f"the models, seed {r0['seeds'][0]}")
    lines = [f"**Start of the set, {r0['dataset']} IPC {r0['ipc']}{f', {kind}' if kind else ''}{''.join(', ' + o for o in opt)}: {what}** "
             f"({r0['models']} ConvNet-3 per set under '{r0['protocol']}', final epoch, **{r0['split']}** split; mean ± std over {over}; "
             "std as numpy's, like every `EvalResult`)", '',
             f"| init | steps | {r0['split']} accuracy (%) | every model pooled | per seed |", '|---|---|---|---|---|']
    pooled = lambda r: f"{np.mean(sum(r['accuracies'], [])):.1f} ± {np.std(sum(r['accuracies'], [])):.1f}" if r.get('accuracies') else '-'
    lines += [f"| {r['init']} | {r['steps']} | {summary(r)[0]:.1f} ± {summary(r)[1]:.1f} | {pooled(r)} | {', '.join(f'{v:.1f}' for v in r['per_seed'])} |" for r in rows]
    return '\n'.join(lines) + '\n'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--table', default=None, metavar='JSON', help='only rewrite the markdown table of this results file')
    ap.add_argument('--dataset', default='digits'); ap.add_argument('--method', default='dm'); ap.add_argument('--ipc', type=int, default=1)
    ap.add_argument('--inits', nargs='+', default=['real', 'kmeans'], choices=INITS)
    ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2]); ap.add_argument('--models', type=int, default=3)
    ap.add_argument('--protocol', default='dd_nb'); ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--steps', type=int, nargs='+', default=None, help="distillation steps per row (default: 0 and the recipe's)")
    ap.add_argument('--split', default='val', choices=('val', 'test'), help="'val' to choose; 'test' only to report a start already chosen")
    ap.add_argument('--kind', default=None, help="synthetic-set kind (default: the method's), e.g. LowResSet with --opt factor=2")
    ap.add_argument('--opt', action='append', default=[], metavar='KEY=VALUE', help="the method's or the kind's options, as on the command line")
    a = ap.parse_args()
    if a.table:
        path = Path(a.table); path.with_suffix('.md').write_text(table(json.loads(path.read_text()))); return
    torch.set_num_threads(a.threads)
    data = load_dataset(a.dataset)
    recipe = RECIPES[a.dataset]
    obj_opts, set_opts = method_options(a.method, a.opt, recipe['batch_real'], a.kind)
    kind = dict(kind=a.kind) if a.kind else {}
    rows = []
    for init in a.inits:
        for steps in a.steps or (0, recipe['steps']):
            per_seed, models, secs = [], [], 0.0
            for seed in a.seeds:
                syn = init_synset(data, a.ipc, init, torch.Generator().manual_seed(seed), **kind, **set_opts)
                t = time.time()
                if steps: distill(syn, data, a.method, steps=steps, seed=seed, progress=False, **obj_opts)
                secs += time.time() - t
                r = evaluate(syn, data, n_models=a.models, seed=seed, protocol=a.protocol, split=a.split)
                per_seed.append(r.mean); models.append(r.accuracies)
            row = dict(dataset=a.dataset, method=a.method, ipc=a.ipc, init=init, steps=steps, seeds=a.seeds, models=a.models,
                       protocol=a.protocol, split=a.split, per_seed=per_seed, accuracies=models, distill_seconds=round(secs, 1))
            row['mean'], row['std'] = summary(row)
            rows.append(row)
            print(f"{a.dataset} {a.method} IPC {a.ipc} init {init:6s} {steps:5d} steps: {a.split} {row['mean']:.1f} ± {row['std']:.1f} "
                  f"(seeds {', '.join(f'{v:.1f}' for v in per_seed)})", flush=True)
    kind_tag = f"_{a.kind.lower()}" + ''.join(f"_{o.replace('=', '')}" for o in a.opt) if a.kind or a.opt else ''
    out = RESULTS / f"init_choice_{a.dataset}_{a.method}_ipc{a.ipc}{kind_tag}{'' if (a.split, a.protocol) == ('val', 'dd_nb') else f'_{a.split}_{a.protocol}'}"
    res = dict(rows=rows, machine=describe_machine('cpu'), kind=a.kind, opt=a.opt, options=obj_opts | set_opts)
    write_results(out.name, res, table=table(res), folder=RESULTS)
    print(table(res))


if __name__ == '__main__':
    main()
