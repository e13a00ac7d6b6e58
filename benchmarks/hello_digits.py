"""HeLlO on digits: the online-label recipe grid (validation split) and the student table (test split, bytes beside
each label source). Writes benchmarks/results/hello_digits_recipe.json and hello_digits_students.json, which the
notebook nbs/13_hello.ipynb reads in its slow cells.

    python benchmarks/hello_digits.py recipe            # ~16 min on one CPU thread
    python benchmarks/hello_digits.py students          # needs the recipe file (the chosen settings come from it)
    python benchmarks/hello_digits.py ranks             # LoRA-rank sweep + image update, IPC 10 (needs the recipe file)
    python benchmarks/hello_digits.py loss              # the student loss: KD (T^2 KL) vs the paper's MSE + beta x CE (validation split)
"""
import argparse, json, os, sys, time
from pathlib import Path
import torch
from dd_nb.results import find_results_dir
from dd_nb.data import load_dataset
from dd_nb.synset import init_synset, dataset_meta
from dd_nb.train import evaluate, combine
from dd_nb.core import fmt_bytes, machine_info
from dd_nb.labels import train_teacher, QUICK_TEACHER, StoredLabels, with_labels, soft_label_bytes, dsa_views
from dd_nb.hello import recipe_grid, stand_in_clip, CLIPProjector, fit_projector, label_error

RESULTS = find_results_dir(__file__)
GRID = [dict(lr=lr, epochs=ep, temperature=t) for ep in (300, 1000) for lr in (0.01, 0.1) for t in (1.0, 4.0)]


def best_setting(rows, source, ipc):
    return max((r for r in rows if r['source'] == source and r['ipc'] == ipc), key=lambda r: r['mean'])['kwargs']


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('stage', choices=['recipe', 'students', 'ranks', 'projector', 'loss'])
    ap.add_argument('--ipcs', default='1,10')
    ap.add_argument('--seeds', default='0,1,2')
    ap.add_argument('--fit-steps', type=int, default=1000)
    ap.add_argument('--out', default=None)
    ap.add_argument('--sources', default=None, help="students stage: comma-separated subset of the label sources (default all)")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get('OMP_NUM_THREADS', 1)))
    digits = load_dataset('digits')
    teacher = train_teacher(digits, epochs=50, seed=0)
    if a.stage == 'recipe':
        quick = train_teacher(digits, seed=0, **QUICK_TEACHER)
        rows = recipe_grid(digits, teacher.model, quick.model, GRID, progress=True)
        out = Path(a.out or RESULTS / 'hello_digits_recipe.json')
        out.write_text(json.dumps(rows, indent=1)); print('wrote', out); return
    grid = json.loads((RESULTS / 'hello_digits_recipe.json').read_text())
    if a.stage == 'ranks': return ranks(digits, teacher, grid, a)
    if a.stage == 'projector': return projector_seeds(digits, teacher, grid, a)
    if a.stage == 'loss': return loss_study(digits, teacher, grid, a)
    ipcs, seeds = [int(i) for i in a.ipcs.split(',')], [int(s) for s in a.seeds.split(',')]
    clip = stand_in_clip(seed=0)
    proj = CLIPProjector(clip, digits.classes)
    t0 = time.time()
    hist = fit_projector(proj, digits, teacher.model, steps=a.fit_steps, eval_every=100, seed=0)
    fit_s = time.time() - t0
    n_teacher = sum(p.numel() for p in teacher.model.parameters())
    rows = []
    for ipc in ipcs:
        kw_t, kw_h = best_setting(grid, 'teacher', ipc), best_setting(grid, 'hard', ipc)
        n, e = 10 * ipc, kw_t['epochs']
        sources = {  # name -> (labeler factory, evaluate kwargs, bytes for one student)
            'hard labels': (lambda: None, kw_h, 0),
            'teacher online': (lambda: teacher.model, kw_t, n_teacher * 4),
            'stored fp16': (lambda: StoredLabels(teacher.model, 'fp16'), kw_t, soft_label_bytes(n, 10, e, 2)),
            'stored top-2 (fp16)': (lambda: StoredLabels(teacher.model, 'topk', topk=2), kw_t, soft_label_bytes(n, 10, e, 2, topk=2)),
            'projector online': (lambda: proj, kw_t, proj.storage_bytes()),
        }
        for name, (make, kw, nbytes) in sources.items():
            if a.sources and name not in a.sources.split(','): continue
            res = []
            for s in seeds:
                syn = with_labels(init_synset(digits, ipc, generator=torch.Generator().manual_seed(100 + s)), make())
                res.append(evaluate(syn, digits, n_models=5, seed=s, split='test', **kw))
                print(ipc, name, s, res[-1].accuracies, f'{res[-1].seconds:.0f}s', flush=True)
            r = combine(res)
            rows.append(dict(source=name, ipc=ipc, mean=r.mean, std=r.std, accuracies=r.accuracies, bytes=nbytes, recipe=kw,
                             seconds=r.seconds, protocol={k: v for k, v in r.protocol.items() if isinstance(v, (int, float, str, bool, list))}))
        rows.append(dict(source='stored fp32', ipc=ipc, same_as='teacher online', bytes=soft_label_bytes(n, 10, e, 4), recipe=kw_t,
                         note='identical labels to the teacher online (same views, same values; checked in the notebook), so the same accuracies'))
    out = dict(rows=rows, projector=dict(fit_steps=a.fit_steps, fit_seconds=fit_s, history=hist, n_stored=proj.n_stored(),
                                         bytes_fp32=proj.storage_bytes(), clip=clip.name),
               teacher=dict(val_acc=teacher.val_acc, params=n_teacher, protocol=teacher.protocol, seconds=teacher.seconds),
               machine=machine_info(), seeds=seeds)
    path = Path(a.out or RESULTS / 'hello_digits_students.json')
    path.write_text(json.dumps(out, indent=1)); print('wrote', path)


def projector_seeds(digits, teacher, grid, a):
    "Projector-labelled students with one projector per seed s (LoRA init and fitting seeded by s), so the spread includes the projector's."
    clip = stand_in_clip(); rows = []
    for ipc in [int(i) for i in a.ipcs.split(',')]:
        kw = best_setting(grid, 'teacher', ipc); res, fits = [], []
        for s in [int(x) for x in a.seeds.split(',')]:
            proj = CLIPProjector(clip, digits.classes, seed=s)
            t0 = time.time(); hist = fit_projector(proj, digits, teacher.model, steps=a.fit_steps, eval_every=100, seed=s)
            fits.append(dict(seed=s, history=hist, seconds=time.time() - t0))
            res.append(evaluate(with_labels(init_synset(digits, ipc, generator=torch.Generator().manual_seed(100 + s)), proj), digits,
                                n_models=5, seed=s, split='test', **kw))
            print(ipc, 'projector', s, hist[-1], res[-1].accuracies, flush=True)
        r = combine(res)
        rows.append(dict(source='projector online', ipc=ipc, mean=r.mean, std=r.std, accuracies=r.accuracies, bytes=proj.storage_bytes(),
                         recipe=kw, seconds=r.seconds, fits=fits, n_stored=proj.n_stored(), projector_seeds='one projector per seed (init + fit)',
                         protocol={k: v for k, v in r.protocol.items() if isinstance(v, (int, float, str, bool, list))}))
    path = Path(a.out or RESULTS / 'hello_digits_projector_seeds.json')
    path.write_text(json.dumps(dict(rows=rows, fit_steps=a.fit_steps, machine=machine_info()), indent=1)); print('wrote', path)


LOSSES = [dict(online_loss='kd', hard_weight=0.0), dict(online_loss='kd', hard_weight=0.1), dict(online_loss='kd', hard_weight=1.0),
          dict(online_loss='mse', hard_weight=0.0), dict(online_loss='mse', hard_weight=0.1), dict(online_loss='mse', hard_weight=1.0)]


def loss_study(digits, teacher, grid, a):
    "Teacher-labelled students (validation split, 2 seeds x 3 models) under each student loss, at each IPC's chosen lr / epochs / T."
    rows = []
    for ipc in [int(i) for i in a.ipcs.split(',')]:
        kw = best_setting(grid, 'teacher', ipc)
        for loss in LOSSES:
            res = [evaluate(with_labels(init_synset(digits, ipc, generator=torch.Generator().manual_seed(100 + s)), teacher.model), digits,
                            n_models=3, seed=s, split='val', **kw, **loss) for s in (0, 1)]
            r = combine(res)
            rows.append(dict(ipc=ipc, **loss, recipe=kw, mean=r.mean, std=r.std, accuracies=r.accuracies, seconds=r.seconds))
            print(ipc, loss, f'{r.mean:.1f} ± {r.std:.1f}', flush=True)
    path = Path(a.out or RESULTS / 'hello_digits_loss.json')
    path.write_text(json.dumps(dict(rows=rows, split='val', protocol='2 seeds (random real init 100+s) x 3 ConvNets, final epoch', machine=machine_info()), indent=1))
    print('wrote', path)


RANKS = ((1, 1), (2, 2), (4, 2), (8, 4))


def ranks(digits, teacher, grid, a):
    "LoRA-rank sweep: fit history and stored size per (rank, head rank); IPC-`ipc` students (5 models, seed 0) with each; image update at rank 4."
    clip = stand_in_clip(); ipc = int(a.ipcs.split(',')[0]); kw = best_setting(grid, 'teacher', ipc)
    views_val = dsa_views(digits.x_val)
    rows = []
    for r, hr in RANKS:
        proj = CLIPProjector(clip, digits.classes, rank=r, head_rank=hr)
        t0 = time.time(); hist = fit_projector(proj, digits, teacher.model, steps=a.fit_steps, eval_every=50, seed=0); fit_s = time.time() - t0
        syn = with_labels(init_synset(digits, ipc, generator=torch.Generator().manual_seed(100)), proj)
        res = evaluate(syn, digits, n_models=5, seed=0, split='test', **kw)
        rows.append(dict(rank=r, head_rank=hr, n_stored=proj.n_stored(), bytes=proj.storage_bytes(), history=hist, fit_seconds=fit_s,
                         accuracies=res.accuracies, mean=res.mean, std=res.std, recipe=kw, eval_seconds=res.seconds))
        print(r, hr, proj.n_stored(), hist[-1], res.accuracies, flush=True)
        if (r, hr) == (4, 2):
            from dd_nb.hello import update_images
            upd = init_synset(digits, ipc, generator=torch.Generator().manual_seed(100))
            views0 = dsa_views(upd.images.detach(), 5, seed=7)
            err0 = label_error(proj, teacher.model, views0)
            loss = update_images(upd, proj, teacher.model, steps=100, lr=0.01)
            err1 = label_error(proj, teacher.model, dsa_views(upd.images.detach(), 5, seed=7))
            res_u = evaluate(with_labels(upd, proj), digits, n_models=5, seed=0, split='test', **kw)
            update = dict(rank=r, head_rank=hr, steps=100, lr=0.01, before=err0, after=err1, loss=loss, accuracies=res_u.accuracies,
                          mean=res_u.mean, std=res_u.std, accuracies_before=res.accuracies)
            print('image update', err0, err1, res_u.accuracies, flush=True)
    out = dict(rows=rows, image_update=update, fit_steps=a.fit_steps, ipc=ipc, machine=machine_info())
    path = Path(a.out or RESULTS / 'hello_digits_ranks.json'); path.write_text(json.dumps(out, indent=1)); print('wrote', path)


if __name__ == '__main__':
    main()
