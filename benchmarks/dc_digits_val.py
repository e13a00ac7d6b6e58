"""DC on digits, IPC 1: choose the matching networks' depth and the image lr on the validation split.

Each candidate distills from the same real start (seed 0) with DC's loop (IPC 1: a fresh network per step), 300
steps, 64 real images per class, and is scored by 3 ConvNets (the 'dd_nb' protocol: width 128, depth 3, instance
norm, 300 epochs, DSA) on the digits validation split. Also recorded: the matching loss on 4 held-out random
networks before and after (does the loss fall?). Resumable: rows already in the results file are kept.

    DD_NB_DATA=... python benchmarks/dc_digits_val.py --candidates 3:0.003,2:0.01,2:0.03,2:0.1,2:0.3
Writes benchmarks/results/dc_digits_val.json.
"""
import argparse, json, os, time
from dd_nb.results import find_results_dir
from pathlib import Path
import torch


def held_out_loss(syn, data, depth, n=4):
    from dd_nb.dc import DC
    obj = DC(batch_real=128, depth=depth); obj.setup(syn, data)
    return sum(float(obj.loss(syn, data, torch.Generator().manual_seed(100 + i), 0)['loss'].detach()) for i in range(n)) / n


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--candidates', default='3:0.003,2:0.01,2:0.03,2:0.1,2:0.3', help='comma-separated DEPTH:LR pairs')
    ap.add_argument('--steps', type=int, default=300)
    ap.add_argument('--batch-real', type=int, default=64)
    ap.add_argument('--eval-models', type=int, default=3)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--out', default=str(find_results_dir(__file__) / 'dc_digits_val.json'))
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    from dd_nb.data import load_dataset
    from dd_nb.synset import init_synset
    from dd_nb.distill import distill
    from dd_nb.train import evaluate
    from dd_nb.core import machine_info
    data = load_dataset('digits')
    out = Path(a.out); out.parent.mkdir(parents=True, exist_ok=True)
    rows = json.loads(out.read_text())['rows'] if out.exists() else []
    done = {(r['depth'], r['lr'], r['steps']) for r in rows}
    for cand in a.candidates.split(','):
        depth, lr = int(cand.split(':')[0]), float(cand.split(':')[1])
        if (depth, lr, a.steps) in done: continue
        syn = init_synset(data, 1, generator=torch.Generator().manual_seed(0))
        before = held_out_loss(syn, data, depth)
        run = distill(syn, data, 'dc', steps=a.steps, batch_real=a.batch_real, depth=depth, lrs={'images': lr}, seed=0, progress=False)
        res = evaluate(syn, data, n_models=a.eval_models, split='val', seed=0)
        rows.append(dict(depth=depth, lr=lr, steps=a.steps, batch_real=a.batch_real, held_out_loss_before=before,
                         held_out_loss_after=held_out_loss(syn, data, depth), image_std=float(syn.images.std()),
                         val_mean=res.mean, val_std=res.std, accuracies=res.accuracies, distill_seconds=run.seconds,
                         objective_config=run.config['objective_config'], protocol=res.protocol))
        print(f"depth {depth} lr {lr:g}: held-out matching loss {before:.0f} -> {rows[-1]['held_out_loss_after']:.0f}; "
              f"val {res.mean:.1f} ± {res.std:.1f} ({run.seconds:.0f} s distill, other jobs running)", flush=True)
        doc = dict(benchmark='dc_digits_val', note='digits IPC 1, DC, init real (seed 0); validation split; timings measured with other jobs running',
                   machine=machine_info(), rows=rows)
        tmp = out.with_suffix('.json.tmp'); tmp.write_text(json.dumps(doc, indent=1)); os.replace(tmp, out)


if __name__ == '__main__':
    main()
