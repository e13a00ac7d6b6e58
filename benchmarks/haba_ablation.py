"""HaBa ablation at equal bytes on the digits, with the adversary as the authors run it (issue 30): HaBa with and
without the adversary, per-pixel vs per-channel scale and shift, 'all' vs 'random' hallucinator mode, against plain
MTT and random real images at the same bytes. One row per (budget, method, seed) in results/haba_ablation.jsonl
(resumable: finished rows are skipped; rows come as they finish).

    python benchmarks/haba_ablation.py --steps 100 --seeds 0          # what fitted this session (see the results file)
    python benchmarks/haba_ablation.py --steps 300 --seeds 0 1 2      # the full reading (hours on a 2-core CPU)

Budgets: 'pixel5' = 1 base/class + 5 per-pixel hallucinators (the authors' layout, `dd-nb distill haba`'s default),
8,040 bytes, pixel IPC 3 (7,680 bytes) for MTT and random; 'channel10' = 1 base/class + 10 per-channel
hallucinators, exactly 5,120 bytes = pixel IPC 2; 'channel10_b2' and 'channel10_b3' = 2 and 3 bases per class + 10
per-channel hallucinators, exactly 7,680 and 10,240 bytes = pixel IPC 3 and 4 (accuracy against bytes). Distillation: MTT with the command line's buffer (10 experts x 15
epochs, depth 2), `syn_steps` student steps (10 here to fit the CPU; the recipe's 20), HaBa with 10 images per student
step (batch_syn 10, the command line's default for haba), MTT with all its images; lrs as validated (images and
bases 10, hallucinators 1). Evaluation: 5 ConvNets x 300 epochs ('dd_nb' protocol), fixed lr 0.01, final epoch, on the
validation split (for choices) and on the test split (to report)."""
import argparse, json, time
from pathlib import Path
import torch
import dd_nb.haba as H
from dd_nb.results import find_results_dir
from dd_nb.core import machine_info
from dd_nb.data import load_dataset
from dd_nb.synset import init_synset
from dd_nb.distill import distill
from dd_nb.mtt import MTT, expert_buffer
from dd_nb.train import evaluate, random_baseline

OUT = find_results_dir(__file__) / 'haba_ablation.jsonl'
BUDGETS = {'pixel5': dict(n_hallucinators=5, affine='pixel', pixel_ipc=3), 'channel10': dict(n_hallucinators=10, affine='channel', pixel_ipc=2),
           'channel10_b2': dict(bases=2, n_hallucinators=10, affine='channel', pixel_ipc=3),   # 7,680 bytes, for accuracy against bytes
           'channel10_b3': dict(bases=3, n_hallucinators=10, affine='channel', pixel_ipc=4)}   # 10,240 bytes
METHODS = {'haba_sum': dict(adversary='sum'), 'haba_none': dict(adversary='none'), 'haba_random_mode': dict(adversary='sum', mode='random'),
           'mtt': None, 'random': None}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--steps', type=int, default=100); ap.add_argument('--syn-steps', type=int, default=10)
    ap.add_argument('--seeds', type=int, nargs='+', default=[0]); ap.add_argument('--budgets', nargs='+', default=list(BUDGETS))
    ap.add_argument('--methods', nargs='+', default=list(METHODS)); ap.add_argument('--threads', type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    d = load_dataset('digits')
    buf = expert_buffer(d, progress=False, depth=2)
    done = {(r['budget'], r['method'], r['seed'], r['steps']) for r in map(json.loads, OUT.read_text().splitlines())} if OUT.exists() else set()
    for seed in a.seeds:
        for budget in a.budgets:
            b = BUDGETS[budget]
            for method in a.methods:
                if (budget, method, seed, a.steps) in done: continue
                t0 = time.time(); extra = {}
                if method == 'random':
                    res = {split: random_baseline(d, b['pixel_ipc'], seeds=(seed,), split=split, n_models=5) for split in ('val', 'test')}
                    nbytes = b['pixel_ipc'] * 10 * 64 * 4
                else:
                    if method == 'mtt':
                        syn = init_synset(d, b['pixel_ipc'], generator=torch.Generator().manual_seed(100 + seed))
                        obj = MTT(syn_steps=a.syn_steps)
                    else:
                        opts = dict(METHODS[method]); mode = opts.pop('mode', 'all')
                        syn = init_synset(d, b.get('bases', 1), generator=torch.Generator().manual_seed(100 + seed), kind='HaBaSet',
                                          n_hallucinators=b['n_hallucinators'], affine=b['affine'], mode=mode)
                        obj = H.HaBa(syn_steps=a.syn_steps, batch_syn=10, **opts)     # the command line's default for haba
                    run = distill(syn, d, obj.use_buffer(buf), steps=a.steps, seed=seed, progress=False)
                    extra = dict(distill_seconds=run.seconds, final=run.history[-1], eval_lr=syn.eval_lr)
                    res = {split: evaluate(syn, d, n_models=5, seed=seed, split=split) for split in ('val', 'test')}
                    nbytes = int(sum(syn.storage().values()))
                row = dict(budget=budget, method=method, seed=seed, steps=a.steps, syn_steps=a.syn_steps, bytes=nbytes,
                           val_mean=res['val'].mean, val_std=res['val'].std, val_accuracies=res['val'].accuracies,
                           test_mean=res['test'].mean, test_std=res['test'].std, test_accuracies=res['test'].accuracies,
                           seconds=time.time() - t0, threads=a.threads, machine=machine_info()['cpu'],
                           note='measured with other jobs running on the shared 2-core machine', **extra)
                with OUT.open('a') as f: f.write(json.dumps(row) + '\n')
                print(f"{budget:9s} {method:16s} seed {seed}: {nbytes:,} B  val {row['val_mean']:.1f} ± {row['val_std']:.1f}  "
                      f"test {row['test_mean']:.1f} ± {row['test_std']:.1f}  ({row['seconds']:.0f} s)", flush=True)


if __name__ == '__main__': main()
