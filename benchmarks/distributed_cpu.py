"""Wall time of distillation (classes split over ranks) and evaluation (models split over ranks) on the CPU, at 1 and 2
ranks (gloo), with the speed-up, the serial fraction it implies (Amdahl) and what that predicts for more processes.
Writes benchmarks/results/distributed_cpu.json and distributed_cpu.md (the machine, threads and settings included).

    OMP_NUM_THREADS=1 python benchmarks/distributed_cpu.py            # digits, IPC 10: a few minutes on 2 cores
    OMP_NUM_THREADS=1 python benchmarks/distributed_cpu.py --quick    # a smoke test (writes distributed_cpu_quick.*)

Each configuration runs in fresh processes started by `dd_nb.distributed.launch` (the 1-rank rows too, so both pay
the same start-up); the timed part starts after a warm-up and a barrier and ends at a barrier, so process start-up
and imports are not in the numbers. Rows: 1 rank x 1 thread, 1 rank x `--ranks` threads (the same cores used by
threads instead of processes: the fair baseline) and `--ranks` ranks x 1 thread.
"""
import argparse, os, time
from functools import partial
import torch
import torch.distributed as dist
import dd_nb
import dd_nb.distributed as D
from dd_nb.data import load_dataset
from dd_nb.synset import init_synset
from dd_nb.results import find_results_dir, describe_machine, format_machine, write_results

RESULTS = find_results_dir(__file__)


def _sync():
    if D.world()[1] > 1: dist.barrier()


def timed_distill(dataset, method, ipc, steps, batch_real, threads, opts):
    "Seconds for `steps` distillation steps in this process group (after a 2-step warm-up)."
    torch.set_num_threads(threads)
    data = load_dataset(dataset)
    kw = dict(seed=0, progress=False, batch_real=batch_real, **opts)
    D.distill_sharded(init_synset(data, ipc, generator=torch.Generator().manual_seed(0)), data, method, steps=2, **kw)
    syn = init_synset(data, ipc, generator=torch.Generator().manual_seed(0))
    _sync(); t0 = time.perf_counter()
    run = D.distill_sharded(syn, data, method, steps=steps, **kw)
    _sync()
    return dict(seconds=time.perf_counter() - t0, final_loss=run.history[-1]['loss'])


def timed_evaluate(dataset, ipc, n_models, epochs, threads):
    "Seconds to evaluate a random real subset with `n_models` models for `epochs` epochs in this process group."
    torch.set_num_threads(threads)
    data = load_dataset(dataset)
    syn = init_synset(data, ipc, 'real', torch.Generator().manual_seed(0))
    D.evaluate_sharded(syn, data, n_models=D.world()[1], epochs=1)                     # warm-up
    _sync(); t0 = time.perf_counter()
    r = D.evaluate_sharded(syn, data, n_models=n_models, epochs=epochs)
    _sync()
    return dict(seconds=time.perf_counter() - t0, accuracies=r.accuracies)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--dataset', default='digits')
    ap.add_argument('--ipc', type=int, default=10)
    ap.add_argument('--steps', type=int, default=100, help='distillation steps timed')
    ap.add_argument('--batch-real', type=int, default=64)
    ap.add_argument('--models', type=int, default=4, help='evaluation models (a multiple of --ranks balances the ranks)')
    ap.add_argument('--epochs', type=int, default=100, help='evaluation epochs')
    ap.add_argument('--ranks', type=int, default=2)
    ap.add_argument('--quick', action='store_true', help='tiny settings, to check the script runs')
    a = ap.parse_args()
    if a.quick: a.ipc, a.steps, a.batch_real, a.models, a.epochs = 1, 3, 16, 2, 2
    n = a.ranks
    configs = [(1, 1), (1, n), (n, 1)]                                         # (ranks, threads per rank)
    jobs = {'distill DM': partial(timed_distill, a.dataset, 'dm', a.ipc, a.steps, a.batch_real, opts={}),
            'distill DataDAM (fresh networks)': partial(timed_distill, a.dataset, 'datadam', a.ipc, a.steps, a.batch_real, opts=dict(pool=0)),
            'evaluate': partial(timed_evaluate, a.dataset, a.ipc, a.models, a.epochs)}
    rows = []
    for what, job in jobs.items():
        for ranks, threads in configs:
            out = D.launch(partial(job, threads=threads), nprocs=ranks, timeout=3600)[0]
            rows.append(dict(what=what, ranks=ranks, threads_per_rank=threads, **out))
            print(f"{what:34s} {ranks} rank(s) x {threads} thread(s): {out['seconds']:8.2f} s", flush=True)
    for r in rows:
        base = next(b for b in rows if b['what'] == r['what'] and b['ranks'] == 1 and b['threads_per_rank'] == 1)
        same_cores = next(b for b in rows if b['what'] == r['what'] and b['ranks'] == 1 and b['threads_per_rank'] == n)
        r['speedup_vs_1x1'] = base['seconds'] / r['seconds']
        r['speedup_vs_same_cores'] = same_cores['seconds'] / r['seconds']
        if r['ranks'] == n > 1:   # Amdahl: T_n = T_1 (f + (1 - f) / n)  ->  f = (n / S - 1) / (n - 1)
            f = min(max((n / r['speedup_vs_1x1'] - 1) / (n - 1), 0.0), 1.0)
            r['serial_fraction'] = f
            r['predicted_speedup'] = {k: 1 / (f + (1 - f) / k) for k in (2, 4, 8)}
    meta = dict(machine=describe_machine('cpu', note='load average at the end'), dd_nb=dd_nb.__version__, device='cpu', backend='gloo',
                OMP_NUM_THREADS=os.environ.get('OMP_NUM_THREADS'), dataset=a.dataset, ipc=a.ipc, steps=a.steps,
                batch_real=a.batch_real, eval_models=a.models, eval_epochs=a.epochs, quick=a.quick,
                timed='after a warm-up, between barriers; process start-up and imports excluded')
    name = 'distributed_cpu_quick' if a.quick else 'distributed_cpu'
    md = [f"# Distributed runs on the CPU ({a.dataset}, IPC {a.ipc})", '',
          f"{format_machine(meta['machine'])}; gloo. Distillation: {a.steps} steps, batch_real {a.batch_real}/class. Evaluation: {a.models} "
          f"ConvNets x {a.epochs} epochs on {a.ipc} random real images/class. Times exclude process start-up.", '',
          '| job | ranks x threads | seconds | speed-up vs 1x1 | vs 1 rank on the same cores | serial fraction | predicted 2 / 4 / 8 processes |',
          '|---|---|---|---|---|---|---|']
    for r in rows:
        pred = ' / '.join(f'{v:.2f}' for v in r['predicted_speedup'].values()) if 'predicted_speedup' in r else ''
        f = f"{r['serial_fraction']:.2f}" if 'serial_fraction' in r else ''
        md.append(f"| {r['what']} | {r['ranks']} x {r['threads_per_rank']} | {r['seconds']:.2f} | {r['speedup_vs_1x1']:.2f} | "
                  f"{r['speedup_vs_same_cores']:.2f} | {f} | {pred} |")
    md += ['', '**What limits it.** Every rank makes every random draw and builds the step\'s random network (serial by design: that '
           'is what makes the result equal the 1-process run), and the set\'s gradient is all-reduced each step; on 8x8 digits '
           'these fixed costs are a large share of a step, so the serial fraction is high. Evaluation splits whole model '
           'trainings, so its serial part is only the start and the gather (and an unbalanced split: 5 models on 2 ranks '
           'cannot beat 5/3). On a shared 2-core machine, other jobs take cores from the ranks too (see the load average).',
           '', '**On several GPUs.** The prediction column extrapolates the measured serial fraction (Amdahl). At CIFAR sizes '
           'the per-class forwards grow with the image and the real batch while the fixed costs do not, so the serial fraction '
           'is smaller and the speed-up closer to the number of GPUs; the all-reduce moves classes x IPC x image floats per '
           'step (61 MB for CIFAR-100 at IPC 50), milliseconds over NVLink.']
    write_results(name, dict(meta=meta, rows=rows), table='\n'.join(md), folder=RESULTS, indent=2)
    print('\n'.join(md))


if __name__ == '__main__':
    main()
