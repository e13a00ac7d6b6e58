"""GoldFromOres pruning curve on MNIST: distilled-set accuracy vs fraction of real data kept, for one or more orders.

Pipeline per point (dd_nb.gold.prune_distill_eval): loss scores of a briefly trained ConvNet scorer -> stratified
pruning (same fraction of every class) -> DM at IPC `--ipc` from the pruned pool -> standard evaluation on the MNIST
test split. The full pool (fraction 1) runs once per seed and is shared by all orders.

Small settings (CPU, a few minutes per point):
    DD_NB_DATA=/path/to/data OMP_NUM_THREADS=1 python benchmarks/gold_mnist.py \
        --fractions 1,0.1,0.01,0.001 --orders easy,random --seeds 0 --steps 100

Writes benchmarks/results/gold_mnist.json (rows with the full protocol) and gold_mnist.png.
"""
import argparse, json, os, time
from dd_nb.results import find_results_dir
from pathlib import Path

import torch


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--dataset', default='mnist')
    ap.add_argument('--fractions', default='1,0.1,0.01,0.001', help='comma-separated fractions of every class to keep (1 = full pool)')
    ap.add_argument('--orders', default='easy', help="comma-separated prune orders: easy, hard, random, band")
    ap.add_argument('--seeds', default='0', help='comma-separated seeds (pruning for random, init, distillation, evaluation)')
    ap.add_argument('--ipc', type=int, default=1)
    ap.add_argument('--steps', type=int, default=100, help='DM steps')
    ap.add_argument('--batch-real', type=int, default=32, help='DM real images per class per step')
    ap.add_argument('--width', type=int, default=32, help='ConvNet width of the DM networks')
    ap.add_argument('--eval-models', type=int, default=3)
    ap.add_argument('--eval-epochs', type=int, default=300)
    ap.add_argument('--eval-width', type=int, default=32, help='ConvNet width of the evaluation networks (128 = the literature default)')
    ap.add_argument('--scorer-epochs', type=int, default=1)
    ap.add_argument('--scorer-batch', type=int, default=128)
    ap.add_argument('--scorer-lr', type=float, default=0.05)
    ap.add_argument('--when', default='early', choices=('early', 'final'))
    ap.add_argument('--out', default=str(find_results_dir(__file__) / 'gold_mnist.json'))
    ap.add_argument('--resume', action='store_true', help='keep rows of --out computed with the same settings (e.g. to add seeds)')
    ap.add_argument('--scores-cache', default=None, help='torch file to read/write the scores (skips the scorer when it exists)')
    a = ap.parse_args(argv)

    from dd_nb.data import load_dataset
    from dd_nb.gold import loss_scores, prune_distill_eval, curve_table, plot_pruning_curves

    fractions = [float(f) for f in a.fractions.split(',')]
    orders, seeds = a.orders.split(','), [int(s) for s in a.seeds.split(',')]
    t0 = time.time()
    data = load_dataset(a.dataset)
    print(data, flush=True)
    ts = time.time()
    scorer = dict(model='convnet', width=32, epochs=a.scorer_epochs, batch_size=a.scorer_batch, lr=a.scorer_lr, when=a.when, seed=0)
    cache = Path(a.scores_cache) if a.scores_cache else None
    if cache and cache.exists() and torch.load(cache)['scorer'] == scorer:
        c = torch.load(cache); scores, score_seconds = c['scores'], c['seconds']
    else:
        scores = loss_scores(data, epochs=a.scorer_epochs, when=a.when, width=32, seed=0, batch_size=a.scorer_batch, lr=a.scorer_lr)
        score_seconds = time.time() - ts
        if cache: torch.save(dict(scores=scores, seconds=score_seconds, scorer=scorer), cache)
    print(f'scores: {len(scores)} samples in {score_seconds:.0f} s (mean {scores.mean():.3f}, median {scores.median():.3f})', flush=True)

    kw = dict(ipc=a.ipc, steps=a.steps, n_models=a.eval_models, epochs=a.eval_epochs,
              objective_kwargs=dict(batch_real=a.batch_real, width=a.width), eval_kwargs=dict(net_kwargs=dict(width=a.eval_width)))
    rows = []
    out = Path(a.out); out.parent.mkdir(parents=True, exist_ok=True)
    varying = ('fractions', 'orders', 'seeds', 'out', 'resume', 'scores_cache')
    settings = {k: v for k, v in vars(a).items() if k not in varying}
    if a.resume and out.exists():
        old = json.loads(out.read_text())
        if {k: v for k, v in old['args'].items() if k not in varying} == settings: rows = old['rows']; print(f'resuming: {len(rows)} rows kept', flush=True)
        else: print('settings differ from the existing file: starting over', flush=True)
    done = {(r['curve'], r['keep'], r['seed']) for r in rows}
    def save():
        doc = dict(benchmark='gold_mnist', args=vars(a), settings=settings, score_seconds=score_seconds,
                   total_seconds=time.time() - t0, scorer=scorer, rows=rows)
        tmp = out.with_suffix('.json.tmp'); tmp.write_text(json.dumps(doc, indent=1)); os.replace(tmp, out)
    for s in seeds:
        for order in (['full'] if 1.0 in fractions else []) + orders:
            for f in ([1.0] if order == 'full' else [f for f in fractions if f != 1.0]):
                if (order, f, s) in done: continue
                r = prune_distill_eval(data, scores, f, 'easy' if order == 'full' else order, seed=s, **kw)
                rows.append(dict(r, curve=order))
                print(f"{order:7s} keep {f:<6g} ({r['n_kept']:5d} images) seed {s}: {r['mean']:.1f} ± {r['std']:.1f} %  "
                      f"distill {r['distill_seconds']:.0f} s, eval {r['eval_seconds']:.0f} s", flush=True)
                save()
    import matplotlib; matplotlib.use('Agg')
    ax = plot_pruning_curves(rows, title=f'{a.dataset}, DM ({a.steps} steps, w{a.width}), IPC {a.ipc}: {len({r["seed"] for r in rows})} seed(s) x {a.eval_models} models')
    ax.figure.savefig(out.with_suffix('.png'), dpi=120, bbox_inches='tight')
    t = curve_table(rows)
    print('\ncurve   fraction  images  accuracy        distill s')
    for c, pts in t.items():
        for f, d in sorted(pts.items(), reverse=True):
            print(f"{c:7s} {f:8g} {d['n_kept']:7d}  {d['mean']:5.1f} ± {d['std']:4.1f}  {d['seconds']:8.1f}")
    print(f'total {time.time() - t0:.0f} s; wrote {out} and {out.with_suffix(".png")}')


if __name__ == '__main__':
    main()
