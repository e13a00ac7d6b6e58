"""DataDAM on MNIST in the standard protocol, beside the published MNIST numbers and the same-recipe random baseline.

Distills MNIST (torchvision files under $DD_NB_DATA) with `dd_nb.datadam.DataDAM` at the requested IPCs, evaluates
fresh ConvNets trained on the synthetic set only (final epoch, test split, no checkpoint selection), measures seconds
per distillation step (fresh networks and the cached pool), and writes JSON + markdown to `benchmarks/results/`.

Full-size runs (8k-20k steps, 5-10 models x 300-1000 epochs) need a GPU; on a CPU use small `--steps`,
`--eval-models` and `--eval-epochs`, and say so: the protocol is written next to every number.

    DD_NB_DATA=/path/to/data python benchmarks/datadam_mnist.py --ipc 1 10 50 --steps 8000
    DD_NB_DATA=/tmp/dd_data python benchmarks/datadam_mnist.py --ipc 1 --steps 200 --pool 20 --eval-models 2 --tag small
    DD_NB_DATA=/tmp/dd_data python benchmarks/datadam_mnist.py --ipc 1 10 50 --time-only --time-steps 5
    DD_NB_DATA=/tmp/dd_data python benchmarks/datadam_mnist.py --ipc 1 --steps 1500 --pool 100 --pool-real 64 \
        --select-lrs 0.1 0.3 1 3 --seeds 0 1 --tag ipc1_val_lr

With `--select-lrs`, the image lr is chosen on the **validation** split (held-out 10% of MNIST's training set):
seed 0 is distilled once per candidate, all candidates sharing one filled pool (a reused `DataDAM` keeps its pool,
and a run on it is identical to a fresh run with the same seed), each evaluated on validation images. The best
candidate's set is then evaluated on the test split, and the other seeds are distilled with that lr only.
"""
from __future__ import annotations
import argparse, json, time
from pathlib import Path
import torch
from dd_nb.data import load_dataset
from dd_nb.synset import init_synset
from dd_nb.distill import distill
from dd_nb.train import evaluate, random_baseline, combine
from dd_nb.datadam import DataDAM
from dd_nb.results import find_results_dir, describe_machine

# ConvNet test accuracy (%) on MNIST, as published (DC: Zhao et al. 2021; DSA: Zhao & Bilen 2021).
PUBLISHED = {'DC': {1: 91.7, 10: 97.4, 50: 98.8}, 'DSA': {1: 88.7, 10: 97.8, 50: 99.2}}


def seconds_per_step(data, ipc, steps, **kw):
    "Mean seconds of one distillation step (loss + backward), after the pool (if any) is full."
    syn = init_synset(data, ipc, generator=torch.Generator().manual_seed(0))
    obj = DataDAM(**kw); obj.setup(syn, data); g = torch.Generator().manual_seed(0)
    fill = 0.
    if obj.pool:
        t = time.time()
        while len(obj._cache) < obj.pool: obj.pool_entry(data, g)
        fill = time.time() - t
    obj.loss(syn, data, g, 0)['loss'].backward()          # warm-up
    t = time.time()
    for i in range(steps): obj.loss(syn, data, g, i)['loss'].backward()
    return (time.time() - t) / steps, fill


def select_lr(data, ipc, lrs, a, dam_kw):
    "Distill seed 0 once per candidate lr on one shared pool; evaluate each on the validation split. -> (best lr, rows, sets)"
    obj = DataDAM(pool=a.pool, pool_real=a.pool_real, **dam_kw)
    rows, sets = [], {}
    for lr in lrs:
        syn = init_synset(data, ipc, generator=torch.Generator().manual_seed(100))
        run = distill(syn, data, obj, steps=a.steps, lrs={'images': lr}, seed=a.seeds[0], progress=False)
        val = evaluate(syn, data, model=a.eval_model, n_models=a.select_models, epochs=a.eval_epochs, seed=a.seeds[0], split='val')
        rows.append(dict(lr=lr, val=val.to_dict(), seconds=run.seconds)); sets[lr] = (syn, run)
        print(f'IPC {ipc} lr {lr:g}: {run.seconds:.0f} s distill (pool of {len(obj._cache)} filled), validation {val}', flush=True)
    best = max(rows, key=lambda r: r['val']['accuracy_mean'])['lr']
    return best, rows, sets


def markdown(report) -> str:
    "The markdown table of a report (also: `python -c 'import json,datadam_mnist as b; print(b.markdown(json.load(open(F))))'`)."
    a, env, timing = argparse.Namespace(**report['args']), report['env'], report['timing']
    md = [f'# DataDAM on {a.dataset}' + (f' ({a.tag})' if a.tag else ''), '']
    dist = f'p={a.p:g}, norm={a.norm}, lambda={a.lam:g}, batch_real={a.batch_real}'
    if a.time_only:
        md += [f'Timing only (no distillation run, no evaluation): {dist}; pool timed with {max(a.pool, 4)} entries of '
               f'{a.pool_real} real images per class; {a.time_steps} timed steps after one warm-up step. '
               f'Machine: {env["cpu"]}, {env["threads"]} threads, CUDA {env["cuda"]}.', '']
    else:
        md += [f'Distillation: {dist}, lr_images={"chosen on the validation split (below)" if a.select_lrs else format(a.lr, "g")}, steps={a.steps}, '
               f'pool={a.pool or "none (fresh network per step)"}' + (f', pool_real={a.pool_real}' if a.pool else '') + f', seeds={a.seeds}.',
               f'Evaluation: {a.eval_models} x {a.eval_model} per seed, {a.eval_epochs} epochs, DSA, final epoch, test split. '
               f'Machine: {env["cpu"]}, {env["threads"]} threads, CUDA {env["cuda"]}.', '']
    for r in report['rows']:
        if r.get('selection'):
            md += [f"IPC {r['ipc']}: image lr chosen on the validation split (seed {a.seeds[0]}, {a.select_models} models x "
                   f"{a.eval_epochs} epochs, final epoch, one shared pool): " + ', '.join(
                       f"lr {s['lr']:g}: {s['val']['accuracy_mean']:.1f} ± {s['val']['accuracy_std']:.1f}" for s in r['selection'])
                   + f" -> **lr {r['lr']:g}**.", '']
    if report['rows']:
        md += ['| IPC | DataDAM (ours) | random real | DC (published) | DSA (published) | s/step |', '|---|---|---|---|---|---|']
        for r in report['rows']:
            d, rn = r['datadam'], r.get('random')
            md.append(f"| {r['ipc']} | {d['accuracy_mean']:.1f} ± {d['accuracy_std']:.1f} | "
                      + (f"{rn['accuracy_mean']:.1f} ± {rn['accuracy_std']:.1f}" if rn else 'n/a')
                      + f" | {PUBLISHED['DC'].get(r['ipc'], 'n/a')} | {PUBLISHED['DSA'].get(r['ipc'], 'n/a')} | {r['s_per_step']:.3f} |")
        md.append('')
    if timing:
        md += ['Seconds per step (loss + backward; pool: after the pool is full):', '',
               '| IPC | fresh network | pool | speed-up | pool fill per entry |', '|---|---|---|---|---|']
        for ipc, t in timing.items():
            md.append(f"| {ipc} | {t['fresh_s_per_step']:.3f} | {t['pool_s_per_step']:.3f} | {t['fresh_s_per_step'] / t['pool_s_per_step']:.1f}x | "
                      f"{t['pool_fill_s'] / t['pool_entries_timed']:.2f} s |")
    return '\n'.join(md) + '\n'


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--dataset', default='mnist')
    ap.add_argument('--ipc', type=int, nargs='+', default=[1, 10, 50])
    ap.add_argument('--steps', type=int, default=8000, help='distillation steps (paper 8000, authors code 20000)')
    ap.add_argument('--lr', type=float, default=1.0, help='image learning rate (SGD, momentum 0.5)')
    ap.add_argument('--p', type=float, default=4.)
    ap.add_argument('--norm', default='instance', choices=['instance', 'batch', 'none'])
    ap.add_argument('--lam', type=float, default=0.01)
    ap.add_argument('--batch-real', type=int, default=64)
    ap.add_argument('--pool', type=int, default=0, help='0 = fresh network per step (paper); N = cached pool of N networks')
    ap.add_argument('--pool-real', type=int, default=256)
    ap.add_argument('--seeds', type=int, nargs='+', default=[0])
    ap.add_argument('--eval-models', type=int, default=5)
    ap.add_argument('--eval-epochs', type=int, default=1000, help='training epochs of each evaluation model (DSA/DM protocol: 1000)')
    ap.add_argument('--select-lrs', type=float, nargs='+', default=None, help='choose the image lr among these on the validation split')
    ap.add_argument('--select-models', type=int, default=2, help='evaluation models per candidate lr (validation split)')
    ap.add_argument('--eval-model', default='convnet')
    ap.add_argument('--no-random', action='store_true', help='skip the random-real baseline')
    ap.add_argument('--time-only', action='store_true', help='only measure seconds per step (fresh and pool)')
    ap.add_argument('--time-steps', type=int, default=5)
    ap.add_argument('--no-timing', action='store_true', help='skip the separate seconds-per-step measurement')
    ap.add_argument('--threads', type=int, default=0, help='torch threads (0 = leave as is)')
    ap.add_argument('--out', default=str(find_results_dir(__file__)))
    ap.add_argument('--tag', default='')
    a = ap.parse_args(argv)
    if a.threads: torch.set_num_threads(a.threads)
    data = load_dataset(a.dataset)
    dam_kw = dict(p=a.p, norm=a.norm, lam=a.lam, batch_real=a.batch_real)
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    name = f'datadam_{a.dataset}' + (f'_{a.tag}' if a.tag else '')
    env = describe_machine() | dict(cuda=torch.cuda.is_available())
    report = dict(dataset=a.dataset, env=env, args=vars(a), published=PUBLISHED, rows=[])

    timing = {}
    for ipc in ([] if a.no_timing else a.ipc):
        fresh, _ = seconds_per_step(data, ipc, a.time_steps, **dam_kw)
        pool, fill = seconds_per_step(data, ipc, a.time_steps, pool=max(a.pool, 4), pool_real=a.pool_real, **dam_kw)
        timing[ipc] = dict(fresh_s_per_step=fresh, pool_s_per_step=pool, pool_fill_s=fill, pool_entries_timed=max(a.pool, 4))
        print(f'IPC {ipc}: fresh {fresh:.3f} s/step, pool {pool:.3f} s/step ({fresh / pool:.1f}x), '
              f'pool fill {fill:.1f} s for {max(a.pool, 4)} entries ({fill / max(a.pool, 4):.2f} s each)', flush=True)
    report['timing'] = timing

    if not a.time_only:
        for ipc in a.ipc:
            res, secs, lr, selection, chosen = [], [], a.lr, None, {}
            if a.select_lrs:
                lr, selection, sets = select_lr(data, ipc, a.select_lrs, a, dam_kw)
                chosen = {a.seeds[0]: sets[lr]}
            for seed in a.seeds:
                if seed in chosen: syn, run = chosen[seed]        # the selection run itself (seed 0, chosen lr)
                else:
                    syn = init_synset(data, ipc, generator=torch.Generator().manual_seed(100 + seed))
                    run = distill(syn, data, 'datadam', steps=a.steps, lrs={'images': lr}, seed=seed, progress=False,
                                  pool=a.pool, pool_real=a.pool_real, **dam_kw)
                secs.append(run.seconds)
                res.append(evaluate(syn, data, model=a.eval_model, n_models=a.eval_models, epochs=a.eval_epochs, seed=seed))
                print(f'IPC {ipc} seed {seed}: {run.seconds:.0f} s distill, {res[-1]}', flush=True)
            dam = combine(res, method='datadam', distill_steps=a.steps, distill_seeds=a.seeds, lr_images=lr, **dam_kw,
                          pool=a.pool, pool_real=a.pool_real)
            row = dict(ipc=ipc, lr=lr, selection=selection, datadam=dam.to_dict(), distill_seconds=secs, s_per_step=sum(secs) / len(secs) / a.steps)
            if not a.no_random:
                rnd = random_baseline(data, ipc, seeds=tuple(a.seeds), model=a.eval_model, n_models=a.eval_models, epochs=a.eval_epochs)
                row['random'] = rnd.to_dict(); print(f'IPC {ipc} random: {rnd}', flush=True)
            report['rows'].append(row)

    (out / f'{name}.json').write_text(json.dumps(report, indent=1, default=str))
    md = markdown(report)
    (out / f'{name}.md').write_text(md)
    print(md)
    return report


if __name__ == '__main__': main()
