"""BiLP's headline on DC: DC distilled from the easiest 10 % of every class (loss criterion) vs from the full pool.

Digits, IPC 1, DC (`dd_nb.dc`, matching networks of depth 2, image lr 0.1) with --batch-real real images per class,
init from random real images of the (pruned) pool, --steps steps; the set is also evaluated "early", at each step
in --early (a snapshot of the same run). Scores: `loss_scores(digits)` ('early' loss of a width-32 ConvNet after 3
epochs, seed 0), exactly the scores of the DM curves in 12_gold. Evaluation: 5 ConvNets x 300 epochs, DSA, final
epoch, test split (the 12_gold protocol). Seeds: pruning (random), init, distillation and evaluation.
Resumable: rows already in the results file are kept.

    DD_NB_DATA=... python benchmarks/gold_dc_digits.py --pools full,easy --seeds 0,1,2 --steps 100 --early 20 --batch-real 32
    DD_NB_DATA=... python benchmarks/gold_dc_digits.py --pools random,causal   # the same runs for random 10 % and causal 10 %
Writes benchmarks/results/gold_dc_digits.json.
"""
import argparse, json, os
from dd_nb.results import find_results_dir
from pathlib import Path
import torch


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--dataset', default='digits')
    ap.add_argument('--pools', default='full,easy', help="comma-separated: full, easy, random, hard (loss scores), causal "
                    "(the middle --keep of DC's causal scores, `dc_causal_scores`, order 'band'); pruned pools keep --keep")
    ap.add_argument('--keep', type=float, default=0.1)
    ap.add_argument('--seeds', default='0,1,2')
    ap.add_argument('--steps', type=int, default=100)
    ap.add_argument('--early', default='20', help='comma-separated earlier steps also evaluated (snapshots of the same run)')
    ap.add_argument('--batch-real', type=int, default=32)
    ap.add_argument('--eval-models', type=int, default=5)
    ap.add_argument('--eval-epochs', type=int, default=300)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--out', default=None)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    from dd_nb.data import load_dataset
    from dd_nb.gold import loss_scores, prune, dc_causal_scores
    from dd_nb.data import data_root
    from dd_nb.synset import init_synset
    from dd_nb.distill import distill, Snapshots
    from dd_nb.train import evaluate
    from dd_nb.core import machine_info
    data = load_dataset(a.dataset)
    scores = loss_scores(data)
    out = Path(a.out or find_results_dir(__file__) / f'gold_dc_{a.dataset}.json')
    doc = json.loads(out.read_text()) if out.exists() else dict(benchmark='gold_dc', rows=[])
    pools = a.pools.split(',')
    if 'causal' in pools:   # DC's static causal scores: 5 fresh depth-2 DC networks, whole classes as batches, seed 0 (cached)
        ck = data_root() / 'cache' / f'gold_dc_causal_scores_{a.dataset}_n5_s0.pt'
        if ck.exists(): cscores = torch.load(ck)
        else: ck.parent.mkdir(parents=True, exist_ok=True); cscores = dc_causal_scores(data, n_nets=5, seed=0); torch.save(cscores, ck)
        rank = lambda v: v.argsort().argsort().double()
        doc['causal_scores'] = dict(computed="dc_causal_scores(data, n_nets=5, seed=0)", n=len(cscores),
                                    spearman_vs_loss_early=float(torch.corrcoef(torch.stack([rank(cscores), rank(scores)]))[0, 1]))
    done = {(r['pool'], r['keep'], r['seed'], r['run_steps'], r['batch_real']) for r in doc['rows'] if r['steps'] == r['run_steps']}
    early = [int(s) for s in a.early.split(',') if s]
    for s in map(int, a.seeds.split(',')):
        for pool_name in pools:
            keep = 1.0 if pool_name == 'full' else a.keep
            if (pool_name, keep, s, a.steps, a.batch_real) in done: continue
            if pool_name == 'causal': pool = prune(data, cscores, keep, 'band', (0, 100), seed=s)   # the middle of each class's ranking
            else: pool = data if pool_name == 'full' else prune(data, scores, keep, pool_name, seed=s)
            syn = init_synset(pool, 1, generator=torch.Generator().manual_seed(100 + s))
            snaps = Snapshots(every=min(early) if early else a.steps)
            run = distill(syn, pool, 'dc', steps=a.steps, seed=s, batch_real=a.batch_real, callbacks=[snaps], progress=False)
            for st in early + [a.steps]:
                imgs = snaps.images[snaps.steps.index(st)]
                res = evaluate((imgs, syn.classes), data, n_models=a.eval_models, epochs=a.eval_epochs, seed=s)
                doc['rows'].append(dict(pool=pool_name, keep=keep, seed=s, steps=st, run_steps=a.steps, batch_real=a.batch_real,
                                        n_kept=len(pool.y_train), accuracies=res.accuracies, mean=res.mean, std=res.std,
                                        distill_seconds=run.seconds * st / a.steps, objective_config=run.config['objective_config'],
                                        lrs=run.config['lrs'], protocol=res.protocol, init_seed=100 + s,
                                        scores="dc_causal_scores(n_nets=5, seed=0), middle band" if pool_name == 'causal' else
                                               "loss_scores(digits): 'early' loss, width-32 ConvNet, 3 epochs, seed 0"))
                print(f"{pool_name} keep {keep:g} seed {s} step {st}: {res.mean:.1f} ± {res.std:.1f}", flush=True)
            doc['machine'] = machine_info()
            tmp = out.with_suffix('.json.tmp'); tmp.write_text(json.dumps(doc, indent=1)); os.replace(tmp, out)


if __name__ == '__main__':
    main()
