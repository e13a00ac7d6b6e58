"""Random real images and the whole training set under each named evaluation protocol, beside the published baselines.

Issue 10's calibration: is our evaluator as strong as the papers'? Each row is one random real subset (drawn from
seed 1000 + s, as `random_baseline` does) evaluated by `--models` fresh ConvNets under one preset of
`dd_nb.train.PROTOCOLS` (final epoch, test split). Rows are appended to `results/baselines_<dataset>.json` as they
finish and a rerun skips the rows already there, so the script can be stopped and resumed, and run in parts.

    DD_NB_DATA=/path/to/data python benchmarks/baselines.py --ipcs 1 --protocols dd_nb dc dsa        # the cheap part
    DD_NB_DATA=/path/to/data python benchmarks/baselines.py --ipcs 10 50 --subsets 5 --device cuda    # a GPU job
    DD_NB_DATA=/path/to/data python benchmarks/baselines.py --whole --whole-epochs 20 --models 2      # the upper bound
    python benchmarks/baselines.py --table                                                           # print the table only

Published references (MNIST, ConvNet-3; DC paper, Zhao et al. ICLR 2021, Table 1, as issue 10 reads it; the PDF is
not reachable from this machine, so they are quoted, not re-checked): random real images 64.9 ± 3.5 / 95.1 ± 0.9 /
97.9 ± 0.2 at IPC 1 / 10 / 50, whole training set 99.6 ± 0.0.
"""
from __future__ import annotations
import argparse, json, time
import torch
from dd_nb.data import load_dataset
from dd_nb.synset import PixelSet, dataset_meta
from dd_nb.train import evaluate, random_subset, PROTOCOLS
from dd_nb.results import find_results_dir, describe_machine, format_machine, write_results

RESULTS = find_results_dir(__file__)
PUBLISHED = {'mnist': {1: (64.9, 3.5), 10: (95.1, 0.9), 50: (97.9, 0.2), 'whole': (99.6, 0.0)}}


def table(res, dataset) -> str:
    "Markdown: one line per (protocol, IPC), pooled over subsets and models, beside the published number."
    pooled = {}
    for r in res['rows']:
        p = pooled.setdefault((r['protocol'], r['ipc']), dict(acc=[], subsets=0, seconds=0., epochs=r['epochs_trained'], aug=r['augment']))
        p['acc'] += r['accuracies']; p['subsets'] += 1; p['seconds'] += r['seconds']
    pub = PUBLISHED.get(dataset, {})
    lines = [f'**Random real images and the whole training set on {dataset}, by evaluation protocol** (final epoch, test split; '
             f"{format_machine(res.get('machine'))})", '',
             '| IPC | protocol | accuracy (%) | subsets, models (pooled) | epochs trained | augmentation | published (DC paper, Table 1) | seconds |',
             '|---|---|---|---|---|---|---|---|']
    order = {k: i for i, k in enumerate(PROTOCOLS)}
    for (proto, ipc), p in sorted(pooled.items(), key=lambda kv: (str(kv[0][1]), order.get(kv[0][0], 99))):
        a = torch.tensor(p['acc'])
        ref = pub.get(ipc)
        n = f"{p['subsets']} subsets, {len(p['acc'])} models" if ipc != 'whole' else f"whole x {len(p['acc'])}"
        lines.append(f"| {ipc} | {proto} | **{a.mean():.1f} ± {a.std(unbiased=False):.1f}** | {n} | {p['epochs']} | {p['aug']} | "
                     f"{f'{ref[0]} ± {ref[1]}' if ref else '-'} | {p['seconds']:.0f} |")
    return '\n'.join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--dataset', default='mnist')
    ap.add_argument('--ipcs', type=int, nargs='*', default=[1])
    ap.add_argument('--protocols', nargs='+', default=['dd_nb', 'dc', 'dsa'], help=f'any of {PROTOCOLS}')
    ap.add_argument('--subsets', type=int, default=5); ap.add_argument('--models', type=int, default=5)
    ap.add_argument('--whole', action='store_true', help='also train on the whole training split (the upper bound)')
    ap.add_argument('--whole-epochs', type=int, default=20, help='epochs for the whole-split rows (the presets\' 300-1800 are GPU jobs)')
    ap.add_argument('--threads', type=int, default=2); ap.add_argument('--device', default='cpu')
    ap.add_argument('--table', action='store_true', help='print the table from the results file and stop')
    a = ap.parse_args()
    out = RESULTS / f'baselines_{a.dataset}.json'
    res = json.loads(out.read_text()) if out.exists() else dict(rows=[])
    if a.table: print(table(res, a.dataset)); return
    torch.set_num_threads(a.threads)
    res['machine'] = describe_machine(a.device, note='each row records its seconds')
    data = load_dataset(a.dataset).to(a.device)
    done = {(r['protocol'], r['ipc'], r['subset_seed']) for r in res['rows']}
    def save():
        write_results(out.stem, res, table=table(res, a.dataset), folder=RESULTS)
    jobs = [(p, ipc, s) for ipc in a.ipcs for p in a.protocols for s in range(a.subsets)]
    jobs += [(p, 'whole', 0) for p in a.protocols] if a.whole else []
    for proto, ipc, s in jobs:
        if (proto, ipc, 1000 + s) in done: continue
        t0 = time.time()
        if ipc == 'whole':
            syn = PixelSet(data.x_train, data.y_train, dataset_meta(data))
            r = evaluate(syn, data, n_models=a.models, seed=s, protocol=proto, epochs=a.whole_epochs)
        else:
            syn = random_subset(data, ipc, torch.Generator().manual_seed(1000 + s))
            r = evaluate(syn, data, n_models=a.models, seed=s, protocol=proto)
        p = r.protocol
        res['rows'].append(dict(protocol=proto, ipc=ipc, subset_seed=1000 + s, accuracies=r.accuracies, seconds=time.time() - t0,
                                epochs_trained=p.get('epochs_trained', p['epochs']), augment=p['dsa'], evaluation=p))
        save()
        print(f'{proto:8s} IPC {ipc}: subset {1000 + s}: {r.mean:.1f} ± {r.std:.1f} ({time.time() - t0:.0f} s)', flush=True)
    print(table(res, a.dataset))


if __name__ == '__main__':
    main()
