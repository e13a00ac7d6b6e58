"""Does HaBa's adversary make the hallucinations of a base differ? Within-base cosine similarity of the hallucinations
in a FIXED random probe network (never trained; seed 7), over seeded runs that differ only in the adversary:
none, the old separate step ('step', the callback's way) and the authors' way ('sum': the term in the set's loss).

    python benchmarks/haba_adversary.py                 # writes results/haba_adversary.json (resumable: skips finished runs)
    python benchmarks/haba_adversary.py --steps 60      # a quick look

Digits, 1 base per class, 5 per-pixel hallucinators, mode 'all' (the defaults of `dd-nb distill haba`), the
small expert buffer (3 experts x 6 epochs, depth 2), 5 student steps per step, the validated lrs (bases 10,
hallucinators 1), one thread."""
import argparse, json, time
from pathlib import Path
import torch
import dd_nb.haba as H
from dd_nb.results import find_results_dir
from dd_nb.core import machine_info, atomic_write
from dd_nb.data import load_dataset
from dd_nb.synset import init_synset
from dd_nb.distill import distill, Callback
from dd_nb.mtt import expert_buffer, small_image_kwargs
from dd_nb.nets import make_net

OUT = find_results_dir(__file__) / 'haba_adversary.json'
CONFIGS = {'none': dict(adversary='none'), 'step': dict(adversary='step'), 'sum': dict(adversary='sum'),
           'sum_cos1': dict(adversary='sum', lam_cos=1.0), 'sum_cos10': dict(adversary='sum', lam_cos=10.0)}


class Probe(Callback):
    "Within-base similarity in the fixed probe (and in F, when there is one) every `every` steps."
    def __init__(self, probe, every): self.probe, self.every, self.rows = probe, every, []
    def _take(self, run):
        syn, K = run.synset, run.synset.n_hallucinators
        bases = torch.arange(len(syn.bases))
        row = dict(step=run.step, probe=H.within_base_similarity(H.hallucination_similarity(syn, self.probe, bases), K))
        adv = getattr(run.objective, 'adv', None)
        if getattr(adv, 'net', None) is not None and run.objective.adversary != 'none':
            row['F'] = H.within_base_similarity(H.hallucination_similarity(syn, adv.net, bases), K)
        self.rows.append(row)
    def before_fit(self, run): self._take(run)
    def after_step(self, run):
        if run.step % self.every == 0: self._take(run)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--steps', type=int, default=300); ap.add_argument('--every', type=int, default=25)
    ap.add_argument('--seeds', type=int, nargs='+', default=[0]); ap.add_argument('--configs', nargs='+', default=list(CONFIGS))
    ap.add_argument('--out', default=str(OUT))
    a = ap.parse_args()
    torch.set_num_threads(1)
    d = load_dataset('digits')
    buf = expert_buffer(d, n_experts=3, epochs=6, depth=2, progress=False)
    probe = make_net('convnet', d, torch.Generator().manual_seed(7), **small_image_kwargs(d))
    out = Path(a.out)
    res = json.loads(out.read_text()) if out.exists() else dict(runs={})
    res.update(protocol=dict(dataset='digits', bases_per_class=1, n_hallucinators=5, affine='pixel', mode='all', steps=a.steps,
                             syn_steps=5, buffer='3 experts x 6 epochs, depth 2', lrs=dict(bases=10., hallucinators=1., syn_lr=1e-5),
                             probe="fixed random ConvNet, depth 2, seed 7 (never trained)", threads=1),
               machine=machine_info(), note='timings measured with other jobs running on the 2-core machine')
    for seed in a.seeds:
        for name in a.configs:
            key = f'{name}-seed{seed}'
            if key in res['runs'] and res['runs'][key]['steps'] == a.steps: continue
            syn = init_synset(d, 1, generator=torch.Generator().manual_seed(100 + seed), kind='HaBaSet', n_hallucinators=5)
            cb = Probe(probe, a.every); t0 = time.time()
            run = distill(syn, d, H.HaBa(n_experts=3, buffer_epochs=6, syn_steps=5, **CONFIGS[name]).use_buffer(buf),
                          steps=a.steps, seed=seed, progress=False, callbacks=[cb])
            res['runs'][key] = dict(config=CONFIGS[name], seed=seed, steps=a.steps, curve=cb.rows, seconds=time.time() - t0,
                                    last=run.history[-1])
            print(f"{key:16s} probe within-base {cb.rows[0]['probe']:.4f} -> {cb.rows[-1]['probe']:.4f}"
                  + (f"   F {cb.rows[1].get('F', float('nan')):.3f} -> {cb.rows[-1].get('F', float('nan')):.3f}" if 'F' in cb.rows[-1] else '')
                  + f"   ({time.time() - t0:.0f} s)", flush=True)
            atomic_write(out, lambda t: Path(t).write_text(json.dumps(res, indent=1)))


if __name__ == '__main__': main()
