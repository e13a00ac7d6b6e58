"""Speed of the shared machinery: seconds per distillation step (DM) and per evaluation epoch, vectorized
ensemble vs loop. Prints a table and writes benchmarks/results/speed.json and speed.md.

    python benchmarks/speed.py                      # digits only (embedded)
    DD_NB_DATA=/path python benchmarks/speed.py --mnist
"""
import argparse, time
import torch
from dd_nb.results import find_results_dir, describe_machine, markdown_table, write_results
from dd_nb.data import load_dataset
from dd_nb.nets import make_net
from dd_nb.synset import init_synset
from dd_nb.distill import distill
from dd_nb.train import train_models

RESULTS = find_results_dir(__file__)


def time_distill(data, ipc, batch_real, steps):
    syn = init_synset(data, ipc, generator=torch.Generator().manual_seed(0))
    distill(syn, data, 'dm', steps=2, batch_real=batch_real, progress=False)  # warm-up
    run = distill(syn, data, 'dm', steps=steps, batch_real=batch_real, progress=False, seed=1)
    return run.seconds / steps


def time_eval_epoch(data, ipc, n_models, epochs, vectorize):
    syn = init_synset(data, ipc, generator=torch.Generator().manual_seed(0))
    x, _, y = syn.materialize()
    models = [make_net('convnet', data, torch.Generator().manual_seed(k)) for k in range(n_models)]
    t0 = time.time()
    train_models(models, x, y, epochs=epochs, generator=torch.Generator().manual_seed(0), vectorize=vectorize)
    return (time.time() - t0) / epochs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--mnist', action='store_true', help='also time MNIST (needs DD_NB_DATA)')
    ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--epochs', type=int, default=20)
    ap.add_argument('--models', type=int, default=5)
    a = ap.parse_args()
    rows = []
    sets = [('digits', load_dataset('digits'), 64)] + ([('mnist', load_dataset('mnist'), 64)] if a.mnist else [])
    for name, data, br in sets:
        for ipc in (1, 10):
            s = time_distill(data, ipc, br, a.steps)
            rows.append(dict(what='DM step', dataset=name, ipc=ipc, detail=f'batch_real {br}/class', seconds=s))
            print(rows[-1], flush=True)
            for vec in (True, False):
                e = time_eval_epoch(data, ipc, a.models, a.epochs, vec)
                rows.append(dict(what='eval epoch', dataset=name, ipc=ipc, detail=f"{a.models} models, {'vmap ensemble' if vec else 'loop'}", seconds=e))
                print(rows[-1], flush=True)
    meta = describe_machine() | dict(cuda=torch.cuda.is_available(), steps=a.steps, epochs=a.epochs)
    md = markdown_table(['what', 'dataset', 'IPC', 'detail', 'seconds'],
                        [(r['what'], r['dataset'], r['ipc'], r['detail'], f"{r['seconds']:.4f}") for r in rows])
    text = f"Speed ({meta})\n\n" + md
    write_results('speed', dict(meta=meta, rows=rows), table=text, folder=RESULTS, indent=2); print(text)


if __name__ == '__main__':
    main()
