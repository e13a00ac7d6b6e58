"""HaBa on the embedded digits at equal bytes, beside MTT, DataDAM and random real images (the table of `nbs/11_haba.ipynb`).

Budgets are bytes, not images. Each HaBa configuration below stores exactly the bytes of a pixel set with a whole
number of images per class (10 per-channel hallucinators on 8x8x1 digits cost 640 floats, one image per class), so
every pixel set and random baseline gets exactly HaBa's bytes, no rounding:

    budget ipc2:  HaBa 1 base/class + 10 hallucinators = 5,120 bytes = pixel IPC 2
    budget ipc10: HaBa 9 bases/class + 10 hallucinators = 25,600 bytes = pixel IPC 10

Protocol for every row: 3 distillation seeds (random subsets for the baseline) x 5 ConvNet-3 evaluation models
(300 epochs, SGD lr 0.01 momentum 0.9 wd 5e-4, x0.1 at half, DSA), final epoch, test split; MTT rows are also
evaluated with the learned student lr, in separate rows. 'haba' is HaBa on MTT with the adversarial contrastive
callback (the authors' method); 'haba_noadv' leaves the adversary out; 'haba_datadam' is the factorization on DataDAM
(no adversary). Learning rates were chosen on the validation split
(`nbs/11_haba.ipynb`, "Choices"). Rows are appended to the results file as they finish; a rerun skips the rows
already there (delete the file to recompute everything).

    python benchmarks/haba_digits.py                       # the equal-bytes table
    python benchmarks/haba_digits.py --part hallucinators  # accuracy vs number of hallucinators (1 base/class)
    python benchmarks/haba_digits.py --part random_mode    # the saved HaBa sets evaluated in 'random' mode (see below)
    python benchmarks/haba_digits.py --part equal_steps    # pixel sets of the larger budget trained for HaBa's number of SGD steps
    python benchmarks/haba_digits.py --budgets ipc1 --methods random mtt datadam   # pixel reference points at IPC 1
    python benchmarks/haba_digits.py --methods mtt --out results/part.json; python benchmarks/haba_digits.py --merge results/part.json

In 'all' mode a HaBa set has K x more training images than bases: at the larger budget 900 images, so one evaluation
epoch is 4 batches of 256 where a 100-image pixel set takes 1, and 300 epochs are 4x more SGD steps. `--part
random_mode` evaluates the same sets in 'random' mode (one hallucination per base per epoch: 90 images, 1 batch per
epoch, the authors' evaluation), which equalizes the number of steps; `--part equal_steps` does it the other way: the
pixel sets of that budget (random subsets, and the saved MTT and DataDAM sets) trained for 1,200 epochs, the 1,200
SGD steps that HaBa's 900 images get in 300 epochs.
"""
from __future__ import annotations
import argparse, json, platform, time
from pathlib import Path
import torch
from dd_nb.results import find_results_dir
from dd_nb.data import load_dataset
from dd_nb.synset import init_synset
from dd_nb.distill import distill
from dd_nb.train import evaluate, combine, random_baseline
from dd_nb.haba import HaBaContrastive
from dd_nb.mtt import MTT
from dd_nb.synset import pixel_ipc

RESULTS = find_results_dir(__file__)
HALL = dict(n_hallucinators=10, affine='channel', mode='all')          # exact image-row budgets (see above)
BUDGETS = {'ipc2': dict(bases=1, pixels=2), 'ipc10': dict(bases=9, pixels=10),
           'ipc1': dict(bases=0, pixels=1)}    # a reference point for the pictures: no HaBa set fits IPC 1 of pixels
MTT_KW = dict(syn_steps=20, expert_epochs=2, max_start_epoch=2, batch_syn=100)
MTT_STEPS, DAM_STEPS = 300, 500
LRS = {'mtt': {'images': 10.}, 'haba': {'bases': 10., 'hallucinators': 1.}, 'haba_noadv': {'bases': 10., 'hallucinators': 1.},
       'datadam': {'images': 0.1}, 'haba_datadam': {'bases': 0.1, 'hallucinators': 0.01}}
DAM_KW = dict(pool=50, pool_real=64)
EVAL = dict(n_models=5, epochs=300)


def distill_one(data, method, ipc, seed, **kind_opts):
    "(synthetic set, run) for one method at `ipc` (bases per class for HaBa, images per class otherwise)."
    haba, adversary = method.startswith('haba'), method == 'haba'
    syn = init_synset(data, ipc, generator=torch.Generator().manual_seed(100 + seed), kind='HaBaSet' if haba else 'PixelSet',
                      **((HALL | kind_opts) if haba else {}))
    if method in ('mtt', 'haba', 'haba_noadv'):
        objective, steps = MTT(**MTT_KW), MTT_STEPS
    else:
        from dd_nb.datadam import DataDAM
        objective, steps = DataDAM(**DAM_KW), DAM_STEPS
    cbs = [HaBaContrastive()] if adversary else []
    run = distill(syn, data, objective, steps=steps, lrs=LRS[method], seed=seed, progress=False, callbacks=cbs)
    return syn, run


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--part', default='table', choices=('table', 'hallucinators', 'random_mode', 'equal_steps'))
    ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    ap.add_argument('--budgets', nargs='+', default=['ipc2', 'ipc10'])
    ap.add_argument('--methods', nargs='+', default=['random', 'datadam', 'haba_datadam', 'mtt', 'haba', 'haba_noadv'])
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--out', default=None, help='results file (parts run in parallel write their own file, then --merge)')
    ap.add_argument('--merge', nargs='+', default=None, help='append the rows of these results files to the results file, then stop')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    data = load_dataset('digits')
    out = Path(a.out or RESULTS / ('haba_digits_hallucinators.json' if a.part == 'hallucinators' else 'haba_digits.json'))   # the controls read and extend the table
    res = json.loads(out.read_text()) if out.exists() else dict(rows=[], settings={})
    res['settings'] = dict(hallucinators=HALL, budgets=BUDGETS, mtt=MTT_KW | dict(steps=MTT_STEPS), datadam=DAM_KW | dict(steps=DAM_STEPS),
                           lrs=LRS, evaluation=EVAL | dict(model='convnet', split='test', selection='final epoch'),
                           machine=f'{platform.machine()}, {torch.get_num_threads()} torch thread(s), CPU shared with other jobs')
    done = {(r['method'], r['budget'], r.get('seed'), r.get('lr_source')) for r in res['rows']}
    save = lambda: (out.parent.mkdir(parents=True, exist_ok=True), out.write_text(json.dumps(res, indent=1)))
    if a.merge:
        for f in a.merge:
            new = [r for r in json.loads(Path(f).read_text())['rows'] if (r['method'], r['budget'], r.get('seed'), r.get('lr_source')) not in done]
            res['rows'] += new; print(f'{f}: {len(new)} rows merged into {out}')
        save(); return
    sets = RESULTS / 'haba_digits_sets'; sets.mkdir(parents=True, exist_ok=True)

    if a.part == 'random_mode':   # saved HaBa sets of the table, evaluated in 'random' mode (one hallucination per base per epoch)
        from dd_nb.synset import load_synset
        for r in [r for r in res['rows'] if r['method'].startswith('haba') and r['lr_source'] == 'fixed']:
            if (r['method'], r['budget'], r['seed'], 'fixed_random_mode') in done: continue
            f = sets / f"{r['method']}-{r['budget']}-seed{r['seed']}.safetensors"
            if not f.exists(): print(f'{f.name}: not saved, skipped'); continue
            syn = load_synset(f, data); syn.mode = 'random'
            ev = evaluate(syn, data, seed=r['seed'], **EVAL)
            res['rows'].append({k: v for k, v in r.items() if k not in ('accuracies', 'protocol')} | dict(lr_source='fixed_random_mode', accuracies=ev.accuracies, protocol=ev.protocol))
            save(); print(f"{r['method']:13s} {r['budget']:6s} seed {r['seed']}, random mode: {ev.mean:.1f} ± {ev.std:.1f}", flush=True)
        return
    if a.part == 'equal_steps':   # pixel sets at the ipc10 budget, trained for as many SGD steps as HaBa's 900 images get
        from dd_nb.synset import load_synset
        steps_kw = EVAL | dict(epochs=4 * EVAL['epochs'])
        for r in [r for r in res['rows'] if r['budget'] == 'ipc10' and r['kind'] == 'PixelSet' and r['lr_source'] == 'fixed']:
            if (r['method'], r['budget'], r['seed'], 'fixed_equal_steps') in done: continue
            if r['method'] == 'random': syn = init_synset(data, r['ipc'], generator=torch.Generator().manual_seed(1000 + r['seed']))
            else:
                f = sets / f"{r['method']}-{r['budget']}-seed{r['seed']}.safetensors"
                if not f.exists(): print(f'{f.name}: not saved, skipped'); continue
                syn = load_synset(f, data)
            ev = evaluate(syn, data, seed=r['seed'], **steps_kw)
            res['rows'].append({k: v for k, v in r.items() if k not in ('accuracies', 'protocol')} | dict(lr_source='fixed_equal_steps', accuracies=ev.accuracies, protocol=ev.protocol))
            save(); print(f"{r['method']:13s} {r['budget']:6s} seed {r['seed']}, {steps_kw['epochs']} epochs: {ev.mean:.1f} ± {ev.std:.1f}", flush=True)
        return
    jobs = []
    if a.part == 'table':
        for budget in a.budgets:
            b = BUDGETS[budget]
            for method in a.methods:
                if method.startswith('haba') and not b['bases']: continue
                for seed in a.seeds: jobs.append((method, budget, seed, b['bases'] if method.startswith('haba') else b['pixels'], {}))
    else:
        for K in (1, 2, 5):                    # K = 10 is the table's 'haba_noadv' at budget ipc2 (the same runs)
            for seed in a.seeds: jobs.append(('haba_noadv', f'K{K}', seed, 1, dict(n_hallucinators=K)))
    for method, budget, seed, ipc, kind_opts in jobs:
        if (method, budget, seed, 'fixed') in done: continue
        t0 = time.time()
        if method == 'random':
            syn = init_synset(data, ipc, generator=torch.Generator().manual_seed(1000 + seed)); run = None
        else:
            syn, run = distill_one(data, method, ipc, seed, **kind_opts)
        nbytes = int(sum(syn.storage().values()) - syn.storage().get('eval_lr', 0))
        common = dict(method=method, budget=budget, seed=seed, ipc=ipc, bytes=nbytes, pixel_ipc=pixel_ipc(nbytes, data),
                      kind=type(syn).__name__, config=syn.config(), distill_seconds=None if run is None else round(run.seconds, 1))
        r = evaluate(syn, data, seed=seed, **EVAL)
        res['rows'].append(common | dict(lr_source='fixed', accuracies=r.accuracies, protocol=r.protocol)); save()
        if run is not None and syn.eval_lr is not None:
            rl = evaluate(syn, data, seed=seed, lr='synset', **EVAL)
            res['rows'].append(common | dict(lr_source='learned', eval_lr=syn.eval_lr, accuracies=rl.accuracies, protocol=rl.protocol)); save()
        if run is not None:
            syn.save(sets / f'{method}-{budget}-seed{seed}.safetensors')
            if seed == a.seeds[0]: (sets / f'{method}-{budget}-seed{seed}.history.json').write_text(json.dumps(run.history))
        print(f'{method:13s} {budget:6s} seed {seed}: {r.mean:.1f} ± {r.std:.1f}' + (f' | learned lr {syn.eval_lr:.4f}: {rl.mean:.1f} ± {rl.std:.1f}' if run is not None and syn.eval_lr is not None else '')
              + f'  ({nbytes:,} bytes = pixel IPC {common["pixel_ipc"]}; {time.time() - t0:.0f} s)', flush=True)


if __name__ == '__main__':
    main()
