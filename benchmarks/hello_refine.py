"""Choose HeLlO's default image-update steps (`REFINE_STEPS`) on the digits validation split.

Protocol: digits, IPC 1, random real images (init seeds 100 + s, s = 0, 1), labels online from the cached projector
(`label_source('projector', digits, 1)`: 50-epoch teacher, stand-in CLIP, 1,000 fitting steps, seed 0), each set refined
by `ImageUpdate(steps=N)` (lr 0.01, 4 DSA views, seed 0) and evaluated with `online_recipe(1)` (1,000 epochs, lr 0.1, T 4),
2 convnets per set, final-epoch validation accuracy. Rows are written as they finish (resumable).

    python benchmarks/hello_refine.py            # computes the missing rows, prints the table
"""
import json, sys, time
from pathlib import Path
import torch
from dd_nb.results import find_results_dir
from dd_nb.data import load_dataset
from dd_nb.synset import init_synset
from dd_nb.train import evaluate, combine
from dd_nb.labels import label_source, with_labels, online_recipe
from dd_nb.hello import ImageUpdate

OUT = find_results_dir(__file__) / 'hello_digits_refine.json'
CANDIDATES, SEEDS, N_MODELS = (0, 20, 50, 100), (0, 1), 2

def main():
    torch.set_num_threads(1)
    digits = load_dataset('digits')
    proj, kw, info = label_source('projector', digits, 1)
    teacher, _, _ = label_source('teacher', digits, 1)
    res = json.loads(OUT.read_text()) if OUT.exists() else dict(
        protocol=dict(dataset='digits', split='val', ipc=1, images='random real, init seeds 100 + s', seeds=list(SEEDS), n_models=N_MODELS,
                      student=kw, projector=dict(clip=info['projector']['clip'], steps=info['projector']['steps'], fitted_agree=info['projector']['fitted']['agree']),
                      teacher_epochs=info['teacher']['protocol']['epochs'], update=dict(lr=0.01, views=4, seed=0, objective='KL(teacher || projector)'),
                      machine='2-core CPU shared with other jobs (timings not alone)'), rows=[])
    done = {(r['steps'], r['seed']) for r in res['rows']}
    for n in CANDIDATES:
        for s in SEEDS:
            if (n, s) in done: continue
            t0 = time.time()
            syn = with_labels(init_synset(digits, 1, generator=torch.Generator().manual_seed(100 + s)), proj)
            rec = ImageUpdate(proj, teacher.module, steps=n)(syn) if n else None
            r = evaluate(syn, digits, n_models=N_MODELS, seed=s, split='val', **kw)
            res['rows'].append(dict(steps=n, seed=s, accuracies=r.accuracies, mean=r.mean, std=r.std, update=rec, seconds=round(time.time() - t0, 1)))
            OUT.write_text(json.dumps(res, indent=1)); print(n, s, r.accuracies, flush=True)
    table(res)

def table(res):
    by = {}
    for r in res['rows']: by.setdefault(r['steps'], []).append(r)
    out = {}
    for n, rows in sorted(by.items()):
        c = combine_acc([a for r in rows for a in r['accuracies']]); out[n] = c
        print(f"{n:4d} steps: {c[0]:.1f} ± {c[1]:.1f} %  ({len(rows)} sets x {res['protocol']['n_models']} models)")
    res['summary'] = {str(n): dict(mean=m, std=s) for n, (m, s) in out.items()}
    if len(by) == len(CANDIDATES): res['chosen'] = int(max(out, key=lambda n: out[n][0]))
    OUT.write_text(json.dumps(res, indent=1))

def combine_acc(a):
    import numpy as np
    return float(np.mean(a)), float(np.std(a))

if __name__ == '__main__': main()
