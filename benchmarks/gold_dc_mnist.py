"""BiLP's headline on DC for MNIST IPC 1: DC from the easiest 10 % of every class (loss criterion) vs DC from the full pool.

Same recipe as benchmarks/dc_mnist.py (DC, `dd_nb.dc`: ConvNet-3 matching networks, a fresh network per step, IPC 1
loops (1, 1), image lr 0.1, --batch-real real images per class, init from random real images of the pool being
distilled, `torch.Generator(seed)`), evaluated at every step in --eval-at (a checkpoint per run makes the later
steps continue the same run) under the 'dc' preset (5 ConvNets x 1000 epochs, DC's MNIST augmentation, final epoch,
MNIST test split). The full pool at seed 0 is the run of benchmarks/dc_mnist.py (its rows are copied, marked
`source`); every other (pool, seed) is run here. Scores: `loss_scores(mnist, epochs=1, when='early', width=32,
batch_size=128, lr=0.05, seed=0)`, the scorer of benchmarks/gold_mnist.py (cached under the data root).
Resumable: rows already in the results file are kept; rerun the same command to continue.

    DD_NB_DATA=... python benchmarks/gold_dc_mnist.py --runs easy:0,full:1,easy:1 --eval-at 40,100
Writes benchmarks/results/gold_dc_mnist.json.
"""
import argparse, json, os, time
from pathlib import Path
import torch

SCORER = dict(model='convnet', width=32, epochs=1, batch_size=128, lr=0.05, when='early', seed=0)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--runs', default='easy:0,full:1,easy:1,full:2,easy:2', help='comma-separated pool:seed, in the order to run')
    ap.add_argument('--keep', type=float, default=0.1)
    ap.add_argument('--eval-at', default='40,100')
    ap.add_argument('--batch-real', type=int, default=64)
    ap.add_argument('--eval-models', type=int, default=5)
    ap.add_argument('--threads', type=int, default=1)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    from dd_nb.data import load_dataset, data_root
    from dd_nb.gold import loss_scores, prune
    from dd_nb.synset import init_synset
    from dd_nb.distill import distill
    from dd_nb.train import evaluate
    from dd_nb.results import find_results_dir, describe_machine, write_results
    data = load_dataset('mnist')
    results = find_results_dir(Path(__file__).parent)
    out = results / 'gold_dc_mnist.json'
    doc = json.loads(out.read_text()) if out.exists() else dict(benchmark='gold_dc_mnist', rows=[])
    def save():
        doc.update(machine=describe_machine(note='timings measured with other jobs running on 2 shared cores'), scorer=SCORER)
        write_results('gold_dc_mnist', doc, folder=results)
    ref = results / 'dc_mnist_ipc1.json'
    if ref.exists():
        for r in json.loads(ref.read_text())['rows']:
            s = r['settings']
            if s['batch_real'] == a.batch_real and s['init'] == 'real' and s['seed'] == 0 and \
               not any(x['pool'] == 'full' and x['seed'] == 0 and x['steps'] == r['steps'] for x in doc['rows']):
                doc['rows'].append(dict(pool='full', keep=1.0, seed=0, steps=r['steps'], batch_real=a.batch_real, n_kept=len(data.y_train),
                                        mean=r['accuracy_mean'], std=r['accuracy_std'], accuracies=r['accuracies'],
                                        distill_seconds=r['distill_seconds'], eval_seconds=r['eval_seconds'], protocol=r['protocol'],
                                        objective_config=r['objective_config'], lrs=r['lrs'], source='benchmarks/results/dc_mnist_ipc1.json'))
        save()
    cache = data_root() / 'cache' / 'gold_mnist_loss_scores.pt'
    scores = None
    if cache.exists():
        c = torch.load(cache)
        if c['scorer'] == SCORER: scores = c['scores']
    if scores is None:
        t = time.time()
        scores = loss_scores(data, epochs=1, when='early', width=32, seed=0, batch_size=128, lr=0.05)
        cache.parent.mkdir(parents=True, exist_ok=True); torch.save(dict(scores=scores, scorer=SCORER, seconds=time.time() - t), cache)
        print(f'scores in {time.time() - t:.0f} s', flush=True)
    for run_spec in a.runs.split(','):
        pool_name, s = run_spec.split(':'); s = int(s)
        keep = 1.0 if pool_name == 'full' else a.keep
        pool = data if pool_name == 'full' else prune(data, scores, keep, pool_name, seed=s)
        ck = data_root() / 'cache' / f'gold_dc_mnist_{pool_name}{keep:g}_b{a.batch_real}_s{s}.ckpt.pt'
        for steps in sorted(map(int, a.eval_at.split(','))):
            if any(r['pool'] == pool_name and r['seed'] == s and r['steps'] == steps and r['batch_real'] == a.batch_real for r in doc['rows']): continue
            syn = init_synset(pool, 1, 'real', torch.Generator().manual_seed(s))
            run = distill(syn, pool, 'dc', steps=steps, seed=s, batch_real=a.batch_real, checkpoint=ck, checkpoint_every=10, progress=False)
            syn.save(results / f'gold_dc_mnist_{pool_name}_s{s}_step{steps}.safetensors')
            res = evaluate(syn, data, n_models=a.eval_models, protocol='dc', seed=s)
            doc['rows'].append(dict(pool=pool_name, keep=keep, seed=s, steps=steps, batch_real=a.batch_real, n_kept=len(pool.y_train),
                                    mean=res.mean, std=res.std, accuracies=res.accuracies, distill_seconds=run.seconds, eval_seconds=res.seconds,
                                    protocol=res.protocol, objective_config=run.config['objective_config'], lrs=run.config['lrs'],
                                    loss_first10=sum(run.losses()[:10]) / 10, loss_last10=sum(run.losses()[-10:]) / 10))
            save()
            print(f"{pool_name} keep {keep:g} seed {s} step {steps}: {res.mean:.1f} ± {res.std:.1f} ('dc' preset); "
                  f"distill {run.seconds:.0f} s, eval {res.seconds:.0f} s, other jobs running", flush=True)


if __name__ == '__main__':
    main()
