"""Seeded reference runs of each shipped method (DM, DataDAM fresh and pooled, GoldFromOres scoring and pruning, MTT's
expert buffer and objective on pixels and on a HaBa set, with and without HaBa's adversary), a teacher and a
teacher-labelled evaluation (HeLlO's label source), every named evaluation protocol and the random-baseline cache keys, on
the embedded digits, written to a results file; with --compare, checks a refactor against a stored file.

A refactor of the core must leave these bit-identical (same machine, same thread count):
    python benchmarks/seeded_runs.py --out /tmp/before.json      # before the change
    python benchmarks/seeded_runs.py --compare /tmp/before.json  # after it
CPU, 1 thread (set below): multi-threaded CPU kernels are not bit-reproducible across runs."""
import argparse, json, sys
import torch
import dd_nb  # registers every method
from dd_nb.data import load_dataset
from dd_nb.synset import init_synset
from dd_nb.distill import distill
from dd_nb.train import evaluate
from dd_nb.gold import loss_scores, prune


def _summary(s, r, d):
    x = s.materialize(torch.Generator().manual_seed(0)).images.detach().double()
    e = evaluate(s, d, n_models=1, epochs=20, seed=0, lr='synset')
    return dict(img_sum=float(x.sum()), img_sq=float(x.square().sum()), losses=[h['loss'] for h in r.history],
                last=r.history[-1], eval_lr=s.eval_lr, acc=e.accuracies)


def mtt_runs(d):
    "A tiny expert buffer (2 experts x 3 epochs, not cached) and 8 MTT steps of 4 student steps on pixels, on a HaBa set, and with the adversary."
    import dd_nb.haba as H
    try: import dd_nb.mtt as mtt_mod              # MTT lives in dd_nb.mtt since the split (it lived in dd_nb.haba before)
    except ImportError: mtt_mod = H
    buf = mtt_mod.expert_buffer(d, n_experts=2, epochs=3, cache=False, progress=False, depth=2)
    out = {'mtt-buffer': dict(traj_sum=float(buf.trajectories.double().sum()), traj_sq=float(buf.trajectories.double().square().sum()),
                              acc=buf.info['last_expert_val_accuracy'])}
    small = dict(n_experts=2, buffer_epochs=3, syn_steps=4, cache=False)
    for name, kind, kw, cbs in [('mtt', 'PixelSet', {}, ()), ('haba', 'HaBaSet', dict(n_hallucinators=3), ()),
                                ('haba-random', 'HaBaSet', dict(n_hallucinators=3, mode='random', affine='channel'), ()),
                                ('haba-adv', 'HaBaSet', dict(n_hallucinators=3), 'adv')]:
        s = init_synset(d, 1, generator=torch.Generator().manual_seed(0), kind=kind, **kw)
        callbacks = [H.HaBaContrastive()] if cbs == 'adv' else []
        r = distill(s, d, mtt_mod.MTT(**small).use_buffer(buf), steps=8, seed=0, progress=False, callbacks=callbacks)
        out[name] = _summary(s, r, d)
    if hasattr(H, 'HaBa'):                           # the objective 'haba' with the adversary in its loss (since issue 30)
        s = init_synset(d, 1, generator=torch.Generator().manual_seed(0), kind='HaBaSet', n_hallucinators=3)
        r = distill(s, d, H.HaBa(**small).use_buffer(buf), steps=8, seed=0, progress=False)
        out['haba-objective'] = _summary(s, r, d)
    return out


def teacher_runs(d):
    "A small teacher (3 epochs, DSA, one-cycle, checkpoint at epoch 1), one student on a random subset it labels online (kd and mse + hard)."
    try: from dd_nb.labels import train_teacher   # the label-source layer (issue 24), once it exists
    except ImportError: from dd_nb.hello import train_teacher
    from dd_nb.train import random_subset
    t = train_teacher(d, epochs=3, checkpoints=(1,), seed=0)
    w = lambda m: torch.cat([p.detach().flatten().double() for p in m.parameters()])
    out = {'teacher': dict(w_sum=float(w(t.model).sum()), w_sq=float(w(t.model).square().sum()), w1_sum=float(w(t.checkpoints[1]).sum()),
                           val={str(k): v for k, v in t.val_acc.items()}, checkpoints=sorted(t.checkpoints))}
    for name, kw in [('teacher-eval-kd', dict(temperature=4.0)), ('teacher-eval-mse', dict(online_loss='mse', hard_weight=0.5))]:
        sub = random_subset(d, 1, torch.Generator().manual_seed(1000)); sub.labeler = t.model
        e = evaluate(sub, d, n_models=1, epochs=30, lr=0.1, seed=0, **kw)
        out[name] = dict(acc=e.accuracies, protocol={k: v for k, v in e.protocol.items() if k != 'device'})
    return out


def protocol_runs(d):
    "Every named evaluation protocol on one random subset (30 epochs, 1 model), and the random-baseline cache keys of a few settings."
    from dd_nb.train import PROTOCOLS, random_subset, baseline_key
    out = {}
    for name in PROTOCOLS:
        sub = random_subset(d, 1, torch.Generator().manual_seed(1000))
        e = evaluate(sub, d, n_models=1, epochs=30, seed=0, protocol=name)
        out[f'protocol-{name}'] = dict(acc=e.accuracies, protocol=e.protocol)
    keys = [dict(model='convnet', n_models=5, epochs=None, protocol='dd_nb'), dict(model='convnet', n_models=5, epochs=300, protocol='dd_nb'),
            dict(model='convnet', n_models=5, epochs=None, protocol='dc'), dict(model='mlp', n_models=2, epochs=20, protocol='dm', lr=0.1)]
    out['baseline-keys'] = [baseline_key(d, 1, (0, 1, 2), kw) for kw in keys]
    return out


def runs():
    torch.set_num_threads(1)
    d = load_dataset('digits')
    out = {}
    for name, method, kw in [('dm', 'dm', dict(batch_real=64)), ('datadam', 'datadam', dict(batch_real=64)),
                             ('datadam-pool', 'datadam', dict(pool=10, pool_real=32))]:
        s = init_synset(d, 1, generator=torch.Generator().manual_seed(0))
        r = distill(s, d, method, steps=40, seed=0, progress=False, **kw)
        x = s.materialize().images.detach().double()
        e = evaluate(s, d, n_models=2, epochs=30, seed=0)
        out[name] = dict(img_sum=float(x.sum()), img_sq=float(x.square().sum()), last_loss=r.history[-1]['loss'], acc=e.accuracies)
    out.update(mtt_runs(d))
    out.update(teacher_runs(d))
    out.update(protocol_runs(d))
    sc = loss_scores(d, epochs=2, seed=0)
    p = prune(d, sc, keep=0.1, order='easy', seed=0)
    out['gold'] = dict(score_sum=float(sc.double().sum()), kept=p.train_ids[:20].tolist(), n=len(p.y_train))
    return out


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--out', default=None, help='write the results to this JSON file')
    ap.add_argument('--compare', default=None, help='compare with a JSON file written by --out; exit 1 on any difference')
    a = ap.parse_args()
    res = json.loads(json.dumps(runs()))   # as a file holds it (tuples -> lists, int keys -> strings)
    if a.out: open(a.out, 'w').write(json.dumps(res, indent=1))
    if a.compare:
        ref = {k: v for k, v in json.load(open(a.compare)).items() if not k.startswith('_')}
        bad = [k for k in ref if ref[k] != res.get(k)]
        for k in ref: print(f"{k:18s} {'identical' if k not in bad else 'DIFFERS'}")
        new = [k for k in res if k not in ref]
        if new: print('not in the reference file (not compared):', ', '.join(new))
        sys.exit(1 if bad else 0)
    if not a.out: print(json.dumps(res, indent=1))
