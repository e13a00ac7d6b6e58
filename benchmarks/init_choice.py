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
"""
from __future__ import annotations
import argparse, json, statistics, time
from pathlib import Path
import torch
from dd_nb.core import machine_info
from dd_nb.data import load_dataset
from dd_nb.synset import init_synset, INITS
from dd_nb.distill import distill
from dd_nb.train import evaluate
from dd_nb.cli import RECIPES, method_options

RESULTS = Path(__file__).parent / 'results'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--dataset', default='digits'); ap.add_argument('--method', default='dm'); ap.add_argument('--ipc', type=int, default=1)
    ap.add_argument('--inits', nargs='+', default=['real', 'kmeans'], choices=INITS)
    ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2]); ap.add_argument('--models', type=int, default=3)
    ap.add_argument('--protocol', default='dd_nb'); ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--steps', type=int, nargs='+', default=None, help="distillation steps per row (default: 0 and the recipe's)")
    ap.add_argument('--split', default='val', choices=('val', 'test'), help="'val' to choose; 'test' only to report a start already chosen")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    data = load_dataset(a.dataset)
    recipe = RECIPES[a.dataset]
    obj_opts, set_opts = method_options(a.method, [], recipe['batch_real'])
    rows = []
    for init in a.inits:
        for steps in a.steps or (0, recipe['steps']):
            per_seed, models, secs = [], [], 0.0
            for seed in a.seeds:
                syn = init_synset(data, a.ipc, init, torch.Generator().manual_seed(seed), **set_opts)
                t = time.time()
                if steps: distill(syn, data, a.method, steps=steps, seed=seed, progress=False, **obj_opts)
                secs += time.time() - t
                r = evaluate(syn, data, n_models=a.models, seed=seed, protocol=a.protocol, split=a.split)
                per_seed.append(r.mean); models.append(r.accuracies)
            row = dict(dataset=a.dataset, method=a.method, ipc=a.ipc, init=init, steps=steps, seeds=a.seeds, models=a.models,
                       protocol=a.protocol, split=a.split, per_seed=per_seed, accuracies=models, mean=statistics.mean(per_seed),
                       std=statistics.stdev(per_seed) if len(per_seed) > 1 else statistics.stdev(models[0]),
                       std_over='seeds' if len(per_seed) > 1 else 'models', distill_seconds=round(secs, 1))
            rows.append(row)
            print(f"{a.dataset} {a.method} IPC {a.ipc} init {init:6s} {steps:5d} steps: {a.split} {row['mean']:.1f} ± {row['std']:.1f} "
                  f"(seeds {', '.join(f'{v:.1f}' for v in per_seed)})", flush=True)
    out = RESULTS / f"init_choice_{a.dataset}_{a.method}_ipc{a.ipc}{'' if (a.split, a.protocol) == ('val', 'dd_nb') else f'_{a.split}_{a.protocol}'}"
    RESULTS.mkdir(exist_ok=True)
    out.with_suffix('.json').write_text(json.dumps(dict(rows=rows, machine=machine_info('cpu'), options=obj_opts | set_opts), indent=1))
    lines = [f"**Start of the set, {a.dataset} {a.method} IPC {a.ipc}** (command-line recipe; {a.models} ConvNet-3 per set under "
             f"'{a.protocol}', final epoch, **{a.split}** split; mean ± std over " + (f'distillation seeds {a.seeds}' if len(a.seeds) > 1 else f'the models, seed {a.seeds[0]}') + ')', '',
             f'| init | steps | {a.split} accuracy (%) | per seed |', '|---|---|---|---|']
    lines += [f"| {r['init']} | {r['steps']} | {r['mean']:.1f} ± {r['std']:.1f} | {', '.join(f'{v:.1f}' for v in r['per_seed'])} |" for r in rows]
    out.with_suffix('.md').write_text('\n'.join(lines) + '\n')
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
