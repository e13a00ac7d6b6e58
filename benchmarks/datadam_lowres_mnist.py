"""DataDAM on IDC's multi-formation (`LowResSet`) on MNIST at equal bytes, the factor chosen on the validation split.

Issue 10's composition: DataDAM's objective distilling `factor²` half- (or quarter-) resolution images in the bytes of
each full image. Everything is the command line's DataDAM recipe (`dd-nb distill datadam --dataset mnist`: a pool of
50 random networks, 64 real images per class behind it, 256 real images per class per step, 1,000 steps, image lr 1
chosen on MNIST's validation split for 28x28 images); only the set kind changes.

- `--stage val`: for each factor, each `--steps` count, each image lr (`--lrs`) and each start (`--inits`), distill seed 0 and train `--val-models` ConvNets under
  `--protocol` (default 'dc', the calibrated preset) on the set, scored on the **validation** split (6,000 images held
  out of MNIST's training set).
- `--stage test`: the (factor, steps, lr, init) with the best validation mean under `--protocol` (or `--factor` with
  the first `--steps`, `--lrs` and `--inits`), distilled with each `--seeds`, scored on the **test** split by `--test-models` ConvNets under each of
  `--protocols`, final epoch.

Sets are saved under `runs/lowres_mnist/` (a rerun reuses them: distillation is reproducible from the seed) and rows
are appended to `results/datadam_lowres_mnist.json` as they finish (a rerun skips finished rows). The random real
baseline at the same bytes under the same preset is `benchmarks/baselines.py` (`results/baselines_mnist.*`).

    DD_NB_DATA=/path/to/data python benchmarks/datadam_lowres_mnist.py --ipc 1 --stage val --factors 1 2
    DD_NB_DATA=/path/to/data python benchmarks/datadam_lowres_mnist.py --ipc 1 --stage val --factors 2 --steps 4000
    DD_NB_DATA=/path/to/data python benchmarks/datadam_lowres_mnist.py --ipc 1 --stage val --factors 2 --lrs 0.25
    DD_NB_DATA=/path/to/data python benchmarks/datadam_lowres_mnist.py --ipc 1 --stage val --factors 2 --inits kmeans
    DD_NB_DATA=/path/to/data python benchmarks/datadam_lowres_mnist.py --ipc 1 --stage test --protocols dc dd_nb
    python benchmarks/datadam_lowres_mnist.py --table
"""
from __future__ import annotations
import argparse, json, time
from pathlib import Path
import torch
from dd_nb.data import load_dataset
from dd_nb.synset import init_synset, load_synset, INITS
from dd_nb.distill import distill
from dd_nb.train import evaluate
from dd_nb.cli import RECIPES, method_options
from dd_nb.datadam import VALIDATED_LRS
from dd_nb.results import find_results_dir, describe_machine, write_results

RESULTS = find_results_dir(__file__)
OUT = RESULTS / 'datadam_lowres_mnist.json'
SETS = Path('runs/lowres_mnist')
RECIPE_LR = VALIDATED_LRS[28][1]   # DataDAM's image lr for 28x28 images, chosen on MNIST's validation split
# ConvNet-3 on MNIST as issue 10 quotes them (IPC 1 / 10 / 50); IDC stores 4 half-resolution images per image's bytes
PUBLISHED = {'DC': {1: 91.7, 10: 97.4, 50: 98.8}, 'DSA': {1: 88.7, 10: 97.8, 50: 99.2},
             'KIP': {1: 90.1, 10: 97.5, 50: 98.4}, 'IDC': {1: 94.2, 10: 98.4, 50: 99.1}}


def cli_recipe() -> dict:
    "The command line's DataDAM options on MNIST (`dd-nb distill datadam --dataset mnist --kind LowResSet`), read from the package."
    objective, _ = method_options('datadam', [], RECIPES['mnist']['batch_real'], 'LowResSet')
    return objective


def distilled(data, ipc, factor, seed, steps, lr=None, init='real'):
    "The DataDAM set (command-line recipe, image lr `lr` or the recipe's, start `init`) on a LowResSet at `factor`; loaded from runs/ when made before. -> (set, seconds or None)"
    path = SETS / f"ipc{ipc}-f{factor}-seed{seed}-steps{steps}{'' if lr is None else f'-lr{lr:g}'}{'' if init == 'real' else f'-{init}'}.safetensors"
    if path.exists(): return load_synset(path, data), None
    syn = init_synset(data, ipc, init, torch.Generator().manual_seed(seed), kind='LowResSet', factor=factor)
    run = distill(syn, data, 'datadam', steps=steps, seed=seed, lrs=None if lr is None else {'images': lr}, **cli_recipe())
    SETS.mkdir(parents=True, exist_ok=True); syn.save(path)
    return syn, run.seconds


def picture(syn, data, path):
    "The distilled set as a student sees it (upsampled), one column per class."
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    ax = syn.show(max_per_class=syn.factor ** 2 * syn.ipc, data=data)
    ax.figure.savefig(path, bbox_inches='tight', dpi=100); plt.close(ax.figure)


def table(rows) -> str:
    lines = ['**DataDAM on LowResSet (IDC multi-formation), MNIST** (command-line DataDAM recipe, distillation steps as listed; '
             'ConvNet-3 students, final epoch; bytes = fp32 storage)', '',
             '| IPC (bytes) | factor | steps | image lr | init | images per class | stage | split | protocol | accuracy (%) | models x seeds | published IDC |',
             '|---|---|---|---|---|---|---|---|---|---|---|---|']
    for r in rows:
        lines.append(f"| {r['ipc']} ({r['bytes']:,}) | {r['factor']} | {r['steps']:,} | {r.get('lr') or f'recipe ({RECIPE_LR:g})'} | {r.get('init', 'real')} | {r['ipc'] * r['factor'] ** 2} | {r['stage']} | {r['split']} | "
                     f"{r['protocol']} | **{r['mean']:.1f} ± {r['std']:.1f}** | {len(r['accuracies'])} x seed {r['seed']} | "
                     f"{PUBLISHED['IDC'].get(r['ipc'], '-')} |")
    return '\n'.join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--ipc', type=int, default=1)
    ap.add_argument('--stage', choices=('val', 'test'), default='val')
    ap.add_argument('--factors', type=int, nargs='+', default=[1, 2], help='candidates of the val stage')
    ap.add_argument('--factor', type=int, default=None, help='test stage: this factor instead of the best on validation')
    ap.add_argument('--protocol', default='dc', help='val stage preset'); ap.add_argument('--protocols', nargs='+', default=['dc'])
    ap.add_argument('--val-models', type=int, default=3); ap.add_argument('--test-models', type=int, default=5)
    ap.add_argument('--seeds', type=int, nargs='+', default=[0])
    ap.add_argument('--steps', type=int, nargs='+', default=[RECIPES['mnist']['steps']],
                    help='val stage: candidate step counts (with each factor); test stage: the count when --factor is given')
    ap.add_argument('--lrs', type=float, nargs='+', default=[None],
                    help="val stage: candidate image lrs (default: the recipe's, 1 for 28x28); test stage: the lr when --factor is given")
    ap.add_argument('--inits', nargs='+', default=['real'], choices=INITS,
                    help='val stage: candidate starts of the set (real images, k-means centroids); test stage: the start when --factor is given')
    ap.add_argument('--threads', type=int, default=2); ap.add_argument('--device', default='cpu')
    ap.add_argument('--table', action='store_true')
    a = ap.parse_args()
    res = json.loads(OUT.read_text()) if OUT.exists() else dict(rows=[])
    if a.table: print(table(res['rows'])); return
    torch.set_num_threads(a.threads)
    data = load_dataset('mnist').to(a.device)
    machine = describe_machine(a.device)
    def save():
        write_results(OUT.stem, res, table=table(res['rows']), folder=RESULTS)
    done = {(r['stage'], r['ipc'], r['factor'], r['seed'], r['protocol'], r['steps'], r.get('lr'), r.get('init', 'real')) for r in res['rows']}
    if a.stage == 'val':
        jobs = [(f, steps, lr, init, 0, a.protocol, 'val', a.val_models) for f in a.factors for steps in a.steps for lr in a.lrs for init in a.inits]
    else:
        val = [r for r in res['rows'] if r['stage'] == 'val' and r['ipc'] == a.ipc and r['protocol'] == a.protocol]
        if not val and not a.factor:
            raise SystemExit(f"no validation rows for IPC {a.ipc} under {a.protocol!r}: run --stage val first, or pass --factor")
        factor, steps, lr, init = ((a.factor, a.steps[0], a.lrs[0], a.inits[0]) if a.factor else
                                   (lambda b: (b['factor'], b['steps'], b.get('lr'), b.get('init', 'real')))(max(val, key=lambda r: r['mean'])))
        print(f'IPC {a.ipc}: factor {factor}, {steps} steps, image lr {lr or "of the recipe"}, init {init}' + ('' if a.factor else ' (best validation mean: ' +
              ', '.join(f"f{r['factor']} x {r['steps']} steps x lr {r.get('lr') or 'recipe'} x {r.get('init', 'real')} {r['mean']:.1f}" for r in val) + ')'), flush=True)
        jobs = [(factor, steps, lr, init, s, p, 'test', a.test_models) for s in a.seeds for p in a.protocols]
    for f, steps, lr, init, seed, proto, stage, n in jobs:
        if (stage, a.ipc, f, seed, proto, steps, lr, init) in done: continue
        syn, secs = distilled(data, a.ipc, f, seed, steps, lr, init)
        t = time.time()
        r = evaluate(syn, data, n_models=n, seed=seed, protocol=proto, split=stage)
        row = dict(stage=stage, split=stage, ipc=a.ipc, factor=f, seed=seed, protocol=proto, mean=r.mean, std=r.std,
                   accuracies=r.accuracies, bytes=int(sum(syn.storage().values())), distill_seconds=secs,
                   eval_seconds=round(time.time() - t, 1), steps=steps, lr=lr, init=init, machine=machine, evaluation=r.protocol)
        res['rows'].append(row); save()
        if stage == 'test' and seed == a.seeds[0]:
            picture(syn, data, RESULTS / f"datadam_lowres_mnist_ipc{a.ipc}_f{f}{'' if steps == RECIPES['mnist']['steps'] else f'_{steps}steps'}{'' if lr is None else f'_lr{lr:g}'}{'' if init == 'real' else f'_{init}'}.png")
        print(f"IPC {a.ipc} factor {f}, {steps} steps, lr {lr or 'recipe'}, init {init}, seed {seed} {stage} {proto}: {r.mean:.1f} ± {r.std:.1f} ({row['eval_seconds']:.0f} s)", flush=True)


if __name__ == '__main__':
    main()
