"""`dd-nb distill dc --dataset digits --ipc 1` with the command line's defaults, for several seeds, beside random real images.

The command line's digits recipe: 500 steps, 64 real images per class, init real, the method's image lr (0.1), the
'dd_nb' evaluation protocol (5 ConvNets x 300 epochs, DSA, final epoch, test split) and its random baseline at equal
bytes (3 random subsets x 5 models, same recipe; the shipped/cached one). One run folder per seed under --runs.
Resumable: seeds already in the results file are skipped.

    DD_NB_DATA=... python benchmarks/dc_digits_cli.py --seeds 0,1,2
Writes benchmarks/results/dc_digits_cli.json and .md.
"""
import argparse, json, os
from dd_nb.results import find_results_dir
from pathlib import Path
import numpy as np


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--seeds', default='0,1,2')
    ap.add_argument('--method', default='dc')
    ap.add_argument('--runs', default='/tmp/dd_nb_dc_runs')
    ap.add_argument('--out', default=str(find_results_dir(__file__) / 'dc_digits_cli.json'))
    a = ap.parse_args(argv)
    import torch; torch.set_num_threads(1)
    from dd_nb.cli import main as cli
    from dd_nb.core import machine_info
    out = Path(a.out); out.parent.mkdir(parents=True, exist_ok=True)
    doc = json.loads(out.read_text()) if out.exists() else dict(benchmark='dc_digits_cli', runs=[])
    done = {r['seed'] for r in doc['runs'] if r['method'] == a.method}
    for s in map(int, a.seeds.split(',')):
        if s in done: continue
        folder = Path(a.runs) / f'{a.method}-digits-ipc1-seed{s}'
        argv_ = ['distill', a.method, '--dataset', 'digits', '--ipc', '1', '--seed', str(s), '--out', str(folder), '--quiet']
        cli(argv_)
        m = json.loads((folder / 'metrics.json').read_text())
        doc['runs'].append(dict(method=a.method, seed=s, command='dd-nb ' + ' '.join(argv_[:-3]), **{k: m[k] for k in (
            'accuracy_mean', 'accuracy_std', 'accuracies', 'random_mean', 'random_std', 'random_accuracies', 'distill_seconds', 'final_loss')},
            protocol=m['protocol']))
        doc['machine'] = machine_info()
        tmp = out.with_suffix('.json.tmp'); tmp.write_text(json.dumps(doc, indent=1)); os.replace(tmp, out)
        print(f"seed {s}: {m['accuracy_mean']:.1f} ± {m['accuracy_std']:.1f} vs random {m['random_mean']:.1f} ± {m['random_std']:.1f}", flush=True)
    runs = [r for r in doc['runs'] if r['method'] == a.method]
    accs = [x for r in runs for x in r['accuracies']]
    rnd = runs[0]['random_accuracies']
    gap, sd = np.mean(accs) - np.mean(rnd), max(np.std(accs), np.std(rnd))
    lines = [f"# `dd-nb distill {a.method} --dataset digits --ipc 1` (command-line defaults) vs random real images", '',
             "Protocol: digits (scikit-learn 8x8), IPC 1, the CLI's digits recipe (500 steps, 64 real images per class, init real, "
             "image lr 0.1, DC's loops for IPC 1, matching networks of depth 2); evaluation 'dd_nb': 5 ConvNets (width 128, depth 3, "
             "instance norm) x 300 epochs, DSA, final epoch, test split (359 images). Random: 3 random real subsets x 5 models, same recipe, "
             "equal bytes. Seeds: " + ', '.join(str(r['seed']) for r in runs) + " (distillation init, steps and evaluation models).", '',
             '| seed | distilled | random real |', '|---|---|---|']
    lines += [f"| {r['seed']} | {r['accuracy_mean']:.1f} ± {r['accuracy_std']:.1f} | {r['random_mean']:.1f} ± {r['random_std']:.1f} |" for r in runs]
    lines += ['', f"Pooled over seeds: {np.mean(accs):.1f} ± {np.std(accs):.1f} % ({len(accs)} models) vs random {np.mean(rnd):.1f} ± {np.std(rnd):.1f} % "
              f"({len(rnd)} models): +{gap:.1f} points = {gap / sd:.1f} x the larger std."]
    out.with_suffix('.md').write_text('\n'.join(lines) + '\n')
    print(lines[-1])


if __name__ == '__main__':
    main()
