"""Projector fitted to weak teachers (the 50-epoch teacher's checkpoints at epochs 1, 2, 5, 10, 20 and 50, in turn) vs to
the final teacher only, on the digits validation split.

Protocol: as benchmarks/hello_refine.py (digits, IPC 1, random real images with init seeds 100 + s, s = 0, 1; labels online
from the projector, stand-in CLIP, 1,000 fitting steps, seed 0; `online_recipe(1)`; 2 convnets per set; final-epoch
validation accuracy), no image update, so that only the fitting targets differ. The final-teacher row is the 0-step row of
results/hello_digits_refine.json (the same sets, students and seeds), re-read, not re-run. Also the label error of each
projector against the final teacher and against the weak teachers' mean on 5 DSA views of the validation split.

    python benchmarks/hello_weak.py
"""
import json, time
from pathlib import Path
import numpy as np
import torch
from dd_nb.results import find_results_dir
from dd_nb.data import load_dataset
from dd_nb.synset import init_synset, dataset_meta
from dd_nb.train import evaluate
from dd_nb.labels import label_source, with_labels, cached_weak_teachers, dsa_views
from dd_nb.hello import label_error

RES = find_results_dir(__file__)
OUT, REFINE = RES / 'hello_digits_weak.json', RES / 'hello_digits_refine.json'
SEEDS, N_MODELS = (0, 1), 2

def main():
    torch.set_num_threads(1)
    digits = load_dataset('digits'); meta = dataset_meta(digits)
    final_proj, kw, finfo = label_source('projector', digits, 1)
    weak_proj, _, winfo = label_source('projector', digits, 1, teachers='weak')
    teacher, _, _ = label_source('teacher', digits, 1)
    weak, _ = cached_weak_teachers(digits)
    views = dsa_views(digits.x_val)
    err = {name: dict(vs_final=label_error(p.bind(meta), teacher.bind(meta), views), vs_weak_mean=label_error(p, weak, views))
           for name, p in (('final', final_proj), ('weak', weak_proj))}
    res = json.loads(OUT.read_text()) if OUT.exists() else dict(
        protocol=dict(dataset='digits', split='val', ipc=1, images='random real, init seeds 100 + s', seeds=list(SEEDS), n_models=N_MODELS,
                      student=kw, refine_steps=0, weak_epochs=winfo['weak_teachers']['epochs'],
                      weak_val_acc=winfo['weak_teachers']['checkpoint_val_acc'], fitting='MSE to one checkpoint per step, in turn, + 0.1 x CE',
                      machine='2-core CPU shared with other jobs (timings not alone)'), rows=[])
    res['label_error'] = err
    done = {r['seed'] for r in res['rows']}
    for s in SEEDS:
        if s in done: continue
        t0 = time.time()
        syn = with_labels(init_synset(digits, 1, generator=torch.Generator().manual_seed(100 + s)), weak_proj)
        r = evaluate(syn, digits, n_models=N_MODELS, seed=s, split='val', **kw)
        res['rows'].append(dict(teachers='weak', seed=s, accuracies=r.accuracies, seconds=round(time.time() - t0, 1)))
        OUT.write_text(json.dumps(res, indent=1)); print('weak', s, r.accuracies, flush=True)
    ref = json.loads(REFINE.read_text())
    final_acc = [a for r in ref['rows'] if r['steps'] == 0 for a in r['accuracies']]
    weak_acc = [a for r in res['rows'] for a in r['accuracies']]
    res['summary'] = dict(final=dict(mean=float(np.mean(final_acc)), std=float(np.std(final_acc)), source='hello_digits_refine.json, 0 steps'),
                          weak=dict(mean=float(np.mean(weak_acc)), std=float(np.std(weak_acc))))
    res['chosen'] = max(res['summary'], key=lambda k: res['summary'][k]['mean'])
    OUT.write_text(json.dumps(res, indent=1))
    for k, v in res['summary'].items(): print(f"{k:5s}: {v['mean']:.1f} ± {v['std']:.1f} %  agreement with the final teacher {err[k]['vs_final']['agree']:.1f} %")
    print('chosen:', res['chosen'])

if __name__ == '__main__': main()
