"""Where the time of `dd-nb distill haba --dataset digits --ipc 1` goes: per distillation step, the materialization of
bases x hallucinators, the unrolled student (forward through `syn_steps` steps, then the backward through them), the
adversary (the set's term and F's step), and the evaluation of the hallucinated set; beside plain MTT's step.

    python benchmarks/haba_speed.py                 # writes results/haba_speed.json
    python benchmarks/haba_speed.py --threads 2
    python benchmarks/haba_speed.py --check 100     # the candidate cut (batch_syn 10) against the recipe, on validation

Uses the defaults of the command line's haba on the digits (1 base per class, 5 per-pixel hallucinators, 'all',
20 student steps, adversary 'sum') with a small expert buffer (the step's cost does not depend on the buffer's size).
Timings depend on what else runs on the machine: the results file says so."""
import argparse, json, time
from pathlib import Path
import torch
import dd_nb.haba as H
from dd_nb.results import find_results_dir
from dd_nb.core import machine_info, atomic_write
from dd_nb.data import load_dataset
from dd_nb.synset import init_synset
from dd_nb.distill import distill
from dd_nb.mtt import expert_buffer, student_steps, param_distance, MTT
from dd_nb.train import evaluate

OUT = find_results_dir(__file__) / 'haba_speed.json'


def timed(fn, n):
    fn(); t0 = time.perf_counter()
    for _ in range(n): out = fn()
    return (time.perf_counter() - t0) / n, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--threads', type=int, default=1); ap.add_argument('--reps', type=int, default=5)
    ap.add_argument('--eval-epochs', type=int, default=30); ap.add_argument('--label', default='current')
    ap.add_argument('--out', default=str(OUT))
    ap.add_argument('--check', type=int, default=0, help='run the validation check of the cut with this many distillation steps instead')
    ap.add_argument('--seeds', type=int, nargs='+', default=[0])
    ap.add_argument('--batch-syn', type=int, default=None, help="haba's images per student step (the command line's default: 10)")
    a = ap.parse_args()
    if a.check: return check(a.check, a.seeds, a.out)
    torch.set_num_threads(a.threads)
    d = load_dataset('digits')
    buf = expert_buffer(d, n_experts=3, epochs=6, depth=2, progress=False)
    row = {}
    for name, kind, obj in (('haba', 'HaBaSet', H.HaBa), ('mtt', 'PixelSet', MTT)):
        syn = init_synset(d, 1, generator=torch.Generator().manual_seed(0), kind=kind)
        o = obj(n_experts=3, buffer_epochs=6, **(dict(batch_syn=a.batch_syn) if name == 'haba' and a.batch_syn else {})).use_buffer(buf); o.setup(syn, d)
        g = torch.Generator().manual_seed(0)
        r = {}
        r['materialize_s'], m = timed(lambda: syn.materialize(g), a.reps)
        start, target = o.segment(g)
        r['student_forward_s'], theta = timed(lambda: student_steps(o.net, o.buffer, start, o.batches(syn, g), o.syn_lr, o.dsa, g), a.reps)
        def fb():
            th = student_steps(o.net, o.buffer, start, o.batches(syn, g), o.syn_lr, o.dsa, g)
            param_distance(th, start, target).backward()
        r['student_forward_backward_s'], _ = timed(fb, a.reps)
        r['student_backward_s'] = r['student_forward_backward_s'] - r['student_forward_s']
        if name == 'haba':
            def adv():
                o.adv.net.requires_grad_(False); c = o.adv.set_term(syn, g); o.adv.net.requires_grad_(True); c.backward()
                t = o.adv.extractor_terms(syn, g); o.adv.opt.zero_grad(); t['adv_loss'].backward(); o.adv.opt.step()
            r['adversary_s'], _ = timed(adv, a.reps)
        run = distill(syn, d, o, steps=a.reps, seed=0, progress=False)
        r['distill_step_s'] = run.seconds / a.reps
        t0 = time.perf_counter(); evaluate(syn, d, n_models=5, epochs=a.eval_epochs, seed=0)
        r['eval_epoch_5_models_s'] = (time.perf_counter() - t0) / a.eval_epochs
        r['images_per_student_step'] = len(m.images)
        row[name] = r
        print(name, {k: round(v, 4) if isinstance(v, float) else v for k, v in r.items()}, flush=True)
    for name in row:   # what the main job costs at the command line's recipe (500 steps, 300 epochs, 5 models)
        row[name]['estimated_main_job_s'] = 500 * row[name]['distill_step_s'] + 300 * row[name]['eval_epoch_5_models_s']
    out = Path(a.out)
    res = json.loads(out.read_text()) if out.exists() else {}
    res[a.label] = dict(rows=row, threads=a.threads, haba_batch_syn=a.batch_syn, machine=machine_info(), date=time.strftime('%Y-%m-%d %H:%M'),
                        note='measured with other jobs running on the shared 2-core machine; re-time alone before quoting')
    atomic_write(out, lambda t: Path(t).write_text(json.dumps(res, indent=1)))



def check(steps=100, seeds=(0,), out=OUT):
    """The candidate cut, checked on the validation split: the command line's haba recipe with every image in every
    student step (batch_syn None, 50 images) against batch_syn 10 (one pass over 10 images per student step, as many
    images as the authors' one-hallucinator-per-step draw), `steps` distillation steps, 5 ConvNets x 300 epochs."""
    torch.set_num_threads(1)
    d = load_dataset('digits')
    buf = expert_buffer(d, progress=False, depth=2)            # the command line's buffer (10 experts x 15 epochs)
    res = json.loads(Path(out).read_text()) if Path(out).exists() else {}
    rows = res.setdefault('check', {})
    for seed in seeds:
        for name, kw in (('batch_all', {}), ('batch_syn10', dict(batch_syn=10))):
            key = f'{name}-steps{steps}-seed{seed}'
            if key in rows: continue
            syn = init_synset(d, 1, generator=torch.Generator().manual_seed(seed), kind='HaBaSet')
            run = distill(syn, d, H.HaBa(**kw).use_buffer(buf), steps=steps, seed=seed, progress=False)
            e = evaluate(syn, d, n_models=5, seed=seed, split='val')
            rows[key] = dict(options=kw, steps=steps, seed=seed, distill_seconds=run.seconds, s_per_step=run.seconds / steps,
                             val_mean=e.mean, val_std=e.std, val_accuracies=e.accuracies, eval_seconds=e.seconds)
            print(key, f'{run.seconds / steps:.2f} s/step, val {e.mean:.1f} ± {e.std:.1f}', flush=True)
            res['check_note'] = ('validation split, 5 ConvNets x 300 epochs (dd_nb protocol), fixed lr 0.01; one thread; '
                                 'measured with other jobs running on the shared 2-core machine')
            atomic_write(out, lambda t: Path(t).write_text(json.dumps(res, indent=1)))


if __name__ == '__main__': main()
