"""HaBa on MNIST: seconds per step and memory of the unrolled trajectory at the IPC 1 and IPC 10 byte budgets, and a
short distillation evaluated beside equal-bytes random real images (and plain MTT at the pixel budget).

Budgets (float32 bytes; one MNIST image per class = 10 x 784 floats = 31,360 bytes). HaBa here has 10 per-channel
hallucinators (64 floats each) and `ipc` bases per class:

    ipc1:  HaBa 1 base/class + 10 hallucinators = 33,920 bytes; pixel sets and random images get IPC 1 (31,360 bytes,
           rounded down: HaBa stores 8% more)
    ipc10: HaBa 9 bases/class + 10 hallucinators = 284,800 bytes; pixel sets and random images get IPC 10 (313,600
           bytes: HaBa stores 9% less)

CPU-sized by default (say so next to every number): experts are trained on a class-stratified subset of the training
split (`--subset`, default 10% = 5,400 images) and MTT distills from that subset, or on the whole split (`--subset 1`).
The HaBaSet is distilled by the objective `haba` (MTT with the adversary, `--adversary`, default 'sum' as the authors
run it), the pixel set by plain `mtt`. Rows are written as they finish; a rerun with the same settings keeps them. Every budget is timed (speed and
memory); the budgets listed in `--distill` are also distilled and evaluated. On a GPU use the full split (`--subset 1`) and the authors' sizes.

    DD_NB_DATA=/path/to/data python benchmarks/haba_mnist.py --distill ipc1 --steps 200 --tag cpu   # time both budgets, distill IPC 1
    # the full training split (this session): 2 experts x 2 epochs, the student covers 1 expert epoch from epoch 0 or 1
    DD_NB_DATA=/path/to/data python benchmarks/haba_mnist.py --subset 1 --experts 2 --buffer-epochs 2 --expert-epochs 1 --budgets ipc1 ipc2 --distill ipc1 ipc2 --threads 1 --tag full
    DD_NB_DATA=/path/to/data python benchmarks/haba_mnist.py --device cuda --subset 1 --experts 20 --buffer-epochs 20 --steps 2000 --tag gpu
"""
from __future__ import annotations
import argparse, json, os, platform, resource, time
import torch
from dd_nb.results import find_results_dir
from dd_nb.data import load_dataset
from dd_nb.synset import init_synset
from dd_nb.distill import distill
from dd_nb.train import evaluate, random_baseline
import dd_nb.haba as H  # registers haba
from dd_nb.mtt import MTT, expert_buffer
from dd_nb.synset import pixel_ipc

RESULTS = find_results_dir(__file__)
HALL = dict(n_hallucinators=10, affine='channel')
BUDGETS = {'ipc1': dict(bases=1, pixels=1), 'ipc2': dict(bases=2, pixels=2), 'ipc10': dict(bases=9, pixels=10)}


def saved_bytes(fn):
    "Run `fn()` (a loss) and return (loss, bytes of the tensors autograd saved for the backward pass: the unrolled graph)."
    total = 0
    def pack(t):
        nonlocal total; total += t.numel() * t.element_size(); return t
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t): loss = fn()
    return loss, total


def time_steps(objective, syn, data, steps, seed=0):
    "Seconds per distillation step (loss + backward, after one warm-up step) and the bytes saved for backward."
    objective.setup(syn, data)
    g = torch.Generator().manual_seed(seed)
    loss, nbytes = saved_bytes(lambda: objective.loss(syn, data, g, 0)['loss'])
    loss.backward()
    if torch.cuda.is_available() and data.x_train.is_cuda: torch.cuda.synchronize(); torch.cuda.reset_peak_memory_stats()
    t = time.time()
    for i in range(steps): objective.loss(syn, data, g, i + 1)['loss'].backward()
    if data.x_train.is_cuda: torch.cuda.synchronize()
    sec = (time.time() - t) / steps
    peak = torch.cuda.max_memory_allocated() if data.x_train.is_cuda else None
    return sec, nbytes, peak


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--budgets', nargs='+', default=list(BUDGETS))
    ap.add_argument('--subset', type=float, default=0.1, help='fraction of each class of the training split for experts and MTT')
    ap.add_argument('--experts', type=int, default=4); ap.add_argument('--buffer-epochs', type=int, default=5)
    ap.add_argument('--syn-steps', type=int, default=20); ap.add_argument('--max-start-epoch', type=int, default=2)
    ap.add_argument('--expert-epochs', type=int, default=2, help="expert epochs the student's steps must cover (MTT's M)")
    ap.add_argument('--adversary', default='sum', help="HaBa's adversary ('sum': the authors', 'step', 'none'); the HaBaSet is distilled by the objective `haba`")
    ap.add_argument('--mode', default='random', help="HaBa mode: 'random' (authors, one hallucinator per base per student step) or 'all'")
    ap.add_argument('--steps', type=int, default=200); ap.add_argument('--time-steps', type=int, default=3)
    ap.add_argument('--distill', nargs='*', default=['ipc1'], help='budgets to distill and evaluate (the others are only timed)')
    ap.add_argument('--lr-bases', type=float, default=10.); ap.add_argument('--lr-hallucinators', type=float, default=0.1)
    ap.add_argument('--lr-images', type=float, default=10.)
    ap.add_argument('--eval-models', type=int, default=3); ap.add_argument('--eval-epochs', type=int, default=300)
    ap.add_argument('--seed', type=int, default=0); ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--device', default='cpu'); ap.add_argument('--tag', default='cpu')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    full = load_dataset('mnist')
    g = torch.Generator().manual_seed(0)
    keep = full.sample_per_class(int(a.subset * int(full.class_counts.min())), g).flatten() if a.subset < 1 else torch.arange(len(full.y_train))
    data = full.with_train(keep, note=f'{a.subset:.0%} per class for experts and MTT') if a.subset < 1 else full
    if a.device != 'cpu': data, full = data.to(a.device), full.to(a.device)
    mtt_kw = dict(syn_steps=a.syn_steps, max_start_epoch=a.max_start_epoch, expert_epochs=a.expert_epochs, n_experts=a.experts, buffer_epochs=a.buffer_epochs)
    objective = lambda kind: (H.HaBa(adversary=a.adversary, **mtt_kw) if kind == 'HaBaSet' else MTT(**mtt_kw)).use_buffer(buf)
    name = f'haba_mnist_{a.tag}'
    prev = json.loads((RESULTS / f'{name}.json').read_text()) if (RESULTS / f'{name}.json').exists() else {}
    def same(): return {k: v for k, v in prev.get('settings', {}).items() if k not in ('machine', 'budgets', 'distill')} == \
                        {k: v for k, v in (vars(a) | dict(hallucinators=HALL, n_train_used=len(data.y_train))).items() if k not in ('budgets', 'distill')}
    done = {(r['budget'], r['kind']): r for r in prev.get('rows', []) if same()}     # resumable: rows of the same settings are kept
    t0 = time.time()
    buf = expert_buffer(data, n_experts=a.experts, epochs=a.buffer_epochs, seed=0)
    buffer_seconds = buf.info.get('seconds') if not buf.info.get('loaded') else buf.info.get('seconds')
    print(f'{buf}: {buffer_seconds} s to build (loaded from cache: {buf.info.get("loaded")}); last expert {buf.info["last_expert_val_accuracy"]:.1f}% on validation', flush=True)
    out = dict(settings=vars(a) | dict(hallucinators=HALL, n_train_used=len(data.y_train), machine=f'{platform.machine()} {platform.processor()}, '
               f'{torch.get_num_threads()} torch threads, {a.device}, load average {os.getloadavg()[0]:.1f} at start'),
               buffer=dict(info=buf.info), rows=[])
    def write():
        out['seconds_this_invocation'] = time.time() - t0     # rows kept from an earlier invocation carry their own row_seconds
        RESULTS.mkdir(exist_ok=True); (RESULTS / f'{name}.json').write_text(json.dumps(out, indent=1))
    for budget in a.budgets:
        b = BUDGETS[budget]
        for kind in ('PixelSet', 'HaBaSet'):
            if (budget, kind) in done and (budget not in a.distill or 'fixed' in done[(budget, kind)]):
                out['rows'].append(done[(budget, kind)]); print(f'{budget} {kind}: kept from the results file', flush=True); continue
            t_row = time.time()
            opts = HALL | dict(mode=a.mode) if kind == 'HaBaSet' else {}
            ipc = b['bases'] if kind == 'HaBaSet' else b['pixels']
            syn = init_synset(data, ipc, generator=torch.Generator().manual_seed(100 + a.seed), kind=kind, **opts)
            lrs = {'bases': a.lr_bases, 'hallucinators': a.lr_hallucinators} if kind == 'HaBaSet' else {'images': a.lr_images}
            sec, nbytes, peak = time_steps(objective(kind), syn, data, a.time_steps)
            nb = int(sum(syn.storage().values()))
            r = dict(budget=budget, kind=kind, objective='haba' if kind == 'HaBaSet' else 'mtt', ipc=ipc, bytes=nb, pixel_ipc=pixel_ipc(nb, data), config=syn.config(), seconds_per_step=sec,
                     unrolled_saved_bytes=nbytes, cuda_peak_bytes=peak, peak_rss_bytes=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
            print(f'{budget} {kind}: {sec:.2f} s/step, {nbytes / 2**20:.0f} MiB saved for backward (syn_steps {a.syn_steps}), {nb:,} bytes', flush=True)
            if budget in a.distill:
                syn = init_synset(data, ipc, generator=torch.Generator().manual_seed(100 + a.seed), kind=kind, **opts)
                run = distill(syn, data, objective(kind), steps=a.steps, lrs=lrs, seed=a.seed, progress=False)
                ev = dict(n_models=a.eval_models, epochs=a.eval_epochs, seed=a.seed)
                fixed = evaluate(syn, full, **ev); learned = evaluate(syn, full, lr='synset', **ev)
                r.update(distill_seconds=run.seconds, loss_first=sum(run.losses()[:10]) / 10, loss_last=sum(run.losses()[-10:]) / 10,
                         eval_lr=syn.eval_lr, fixed=fixed.to_dict(), learned=learned.to_dict())
                print(f'   distilled {a.steps} steps in {run.seconds:.0f} s: fixed lr {fixed.mean:.1f} ± {fixed.std:.1f}, learned lr {syn.eval_lr:.4f} '
                      f'{learned.mean:.1f} ± {learned.std:.1f}', flush=True)
            r['row_seconds'] = time.time() - t_row
            out['rows'].append(r); write()
        if budget in a.distill and (budget, 'random real') in done:
            out['rows'].append(done[(budget, 'random real')])
        elif budget in a.distill:
            rnd = random_baseline(full, b['pixels'], seeds=(0, 1), n_models=a.eval_models, epochs=a.eval_epochs)
            out['rows'].append(dict(budget=budget, kind='random real', ipc=b['pixels'], fixed=rnd.to_dict())); write()
            print(f'{budget} random real IPC {b["pixels"]}: {rnd.mean:.1f} ± {rnd.std:.1f}', flush=True)
    write()
    lines = [f'**HaBa / MTT on MNIST ({a.tag})**', '', f"machine: {out['settings']['machine']}", '',
             f'experts: {a.experts} x {a.buffer_epochs} epochs on {len(data.y_train):,} training images ({a.subset:.0%} per class); '
             f'syn_steps {a.syn_steps}, max_start_epoch {a.max_start_epoch}, expert_epochs {a.expert_epochs}; HaBa: 10 per-channel hallucinators, mode {a.mode!r}, '
             f'objective haba (adversary {a.adversary!r}); MTT: objective mtt; '
             f'expert buffer built in {buf.info.get("seconds")} s', '',
             '| budget | set | bytes | pixel IPC at these bytes | s / step | saved for backward (MiB) | test acc., fixed lr | test acc., learned lr |',
             '|---|---|---|---|---|---|---|---|']
    for r in out['rows']:
        if r['kind'] == 'random real':
            lines.append(f"| {r['budget']} | random real IPC {r['ipc']} | | | | | {r['fixed']['accuracy_mean']:.1f} ± {r['fixed']['accuracy_std']:.1f} | |"); continue
        acc = (f" {r['fixed']['accuracy_mean']:.1f} ± {r['fixed']['accuracy_std']:.1f} | "
               f"{r['learned']['accuracy_mean']:.1f} ± {r['learned']['accuracy_std']:.1f} (lr {r['eval_lr']:.4f}) |") if 'fixed' in r else ' not distilled (timed only) | |'
        lines.append(f"| {r['budget']} | {r['kind']} ({r['ipc']}/class, {r.get('objective', 'mtt')}) | {r['bytes']:,} | {r['pixel_ipc']} | {r['seconds_per_step']:.2f} | "
                     f"{r['unrolled_saved_bytes'] / 2**20:.0f} |" + acc)
    if a.distill:
        lines += ['', f'distilled: {", ".join(a.distill)}; evaluation: {a.eval_models} ConvNet-3 x {a.eval_epochs} epochs (DSA, final epoch) on the full MNIST test split; '
                      f'random: 2 subsets x {a.eval_models} models, same recipe; distillation {a.steps} steps, seed {a.seed}.']
    (RESULTS / f'{name}.md').write_text('\n'.join(lines) + '\n')
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
