"""Distill MNIST (from the data root) with DM at several IPCs and evaluate in the standard protocol, beside the
same-recipe random baseline and published numbers. Prints a table; writes benchmarks/results/dm_mnist.{json,md}.

Full protocol (a GPU job):       DD_NB_DATA=/data python benchmarks/dm_mnist.py --ipcs 1 10 50 --steps 20000 --batch-real 256 --models 5 --epochs 1000
Small CPU run (what ran here):   see benchmarks/results/dm_mnist.md for the exact command and settings.
"""
import argparse
import torch
from dd_nb.data import load_dataset
from dd_nb.synset import init_synset
from dd_nb.distill import distill
from dd_nb.train import evaluate, random_baseline, combine
from dd_nb.results import find_results_dir, describe_machine, write_results
import dd_nb  # registers every method

PUBLISHED = {'DC': {1: 91.7, 10: 97.4, 50: 98.8}, 'DSA': {1: 88.7, 10: 97.8, 50: 99.2}}
RESULTS = find_results_dir(__file__)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--method', default='dm')
    ap.add_argument('--ipcs', type=int, nargs='+', default=[1, 10, 50])
    ap.add_argument('--steps', type=int, default=1000)
    ap.add_argument('--batch-real', type=int, default=256)
    ap.add_argument('--seeds', type=int, default=1, help='distillation seeds')
    ap.add_argument('--models', type=int, default=5, help='evaluation models per seed')
    ap.add_argument('--epochs', type=int, default=300, help='evaluation epochs')
    ap.add_argument('--name', default=None, help='results file stem (default METHOD_mnist)')
    a = ap.parse_args(argv)
    data = load_dataset('mnist')
    rows = []
    for ipc in a.ipcs:
        res, secs = [], []
        for seed in range(a.seeds):
            syn = init_synset(data, ipc, generator=torch.Generator().manual_seed(100 + seed))
            run = distill(syn, data, a.method, steps=a.steps, batch_real=a.batch_real, seed=seed)
            secs.append(run.seconds / max(a.steps, 1))
            res.append(evaluate(syn, data, n_models=a.models, epochs=a.epochs, seed=seed, progress=True))
        r = combine(res)
        rnd = random_baseline(data, ipc, seeds=tuple(range(a.seeds)), n_models=a.models, epochs=a.epochs)
        rows.append(dict(ipc=ipc, mean=r.mean, std=r.std, random_mean=rnd.mean, random_std=rnd.std,
                         seconds_per_step=sum(secs) / len(secs), published={k: v.get(ipc) for k, v in PUBLISHED.items()},
                         protocol=r.protocol))
        print(f"IPC {ipc}: {a.method} {r.mean:.1f} ± {r.std:.1f}  random {rnd.mean:.1f} ± {rnd.std:.1f}  ({rows[-1]['seconds_per_step']:.2f} s/step)", flush=True)
    setting = dict(method=a.method, steps=a.steps, batch_real=a.batch_real, seeds=a.seeds, models=a.models, epochs=a.epochs,
                   device='cuda' if torch.cuda.is_available() else 'cpu', threads=torch.get_num_threads())
    machine = describe_machine(setting['device'])
    md = [f"{a.method} on MNIST. Settings: {setting}. Evaluation: ConvNet-3 (instance norm), SGD lr 0.01 momentum 0.9 wd 5e-4, "
          f"x0.1 at half, DSA, final-epoch test accuracy, mean ± std over {a.seeds} seed(s) x {a.models} models; random = "
          f"same recipe on random real images. Published numbers are the papers' own protocols (not re-run).", '',
          '| IPC | ' + a.method + ' | random real | DC (published) | DSA (published) | s / step |', '|---|---|---|---|---|---|']
    md += [f"| {r['ipc']} | {r['mean']:.1f} ± {r['std']:.1f} | {r['random_mean']:.1f} ± {r['random_std']:.1f} | "
           f"{r['published']['DC']} | {r['published']['DSA']} | {r['seconds_per_step']:.2f} |" for r in rows]
    text = '\n'.join(md); print(text)
    write_results(a.name or f'{a.method}_mnist', dict(setting=setting, machine=machine, rows=rows), table=text, folder=RESULTS, indent=2)
    return rows


if __name__ == '__main__':
    main()
