"""Profile `dd-nb distill haba --dataset digits --ipc 1` end to end (cProfile, in one process, on a fresh data root so
that the expert buffer is built as in a fresh install): the share of the wall time in the expert buffer, the
distillation (and in it the materialization of bases x hallucinators, the unrolled student and its backward, the
adversary), and the evaluation of the hallucinated set. Appends a labelled entry to results/haba_speed_profile.json.

    python benchmarks/haba_speed_profile.py --label before --threads 1
    python benchmarks/haba_speed_profile.py --label after --threads 1 --opt ...   # extra --opt pairs for dd-nb

Wall times depend on what else runs on the machine (the results file says what the load was); the shares are what
this file is for. The lead times the main job alone."""
import argparse, cProfile, io, json, os, pstats, tempfile, time
from pathlib import Path
import torch
from dd_nb.core import atomic_write
from dd_nb.results import find_results_dir, describe_machine
from dd_nb.cli import main as cli

OUT = find_results_dir(Path(__file__).parent) / 'haba_speed_profile.json'
PARTS = {   # (file suffix, function name) -> label; cumulative seconds of each
    ('mtt.py', 'expert_buffer'): 'expert buffer (build)',
    ('distill.py', 'distill'): 'distillation (all steps)',
    ('synset.py', 'materialize'): 'materialize (any SynSet)',
    ('haba.py', 'materialize'): 'materialize bases x hallucinators',
    ('mtt.py', 'student_steps'): 'unrolled student (forward)',
    ('haba.py', 'set_term'): "adversary: the set's term (forward)",
    ('haba.py', 'extractor_step'): "adversary: F's step",
    ('_tensor.py', 'backward'): 'backward passes (all)',
    ('train.py', 'evaluate'): 'evaluation (set, 5 models)',
    ('train.py', 'random_baseline'): 'random baseline',
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--label', default='current'); ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--seed', type=int, default=0); ap.add_argument('--opt', nargs='*', default=[])
    ap.add_argument('--out', default=str(OUT))
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        argv = ['distill', 'haba', '--dataset', 'digits', '--ipc', '1', '--seed', str(a.seed), '--out', f'{tmp}/run',
                '--data-root', f'{tmp}/data', '--quiet'] + sum((['--opt', o] for o in a.opt), [])
        prof = cProfile.Profile(); t0 = time.perf_counter()
        prof.enable(); cli(argv)
        prof.disable(); wall = time.perf_counter() - t0
        metrics = json.loads(Path(f'{tmp}/run/metrics.json').read_text())
    st = pstats.Stats(prof)
    parts = {}
    for (file, _, fn), (cc, nc, tt, ct, callers) in st.stats.items():
        for (suf, name), label in PARTS.items():
            if fn == name and file.endswith(suf): parts[label] = parts.get(label, 0) + ct
    s = io.StringIO(); pstats.Stats(prof, stream=s).sort_stats('tottime').print_stats(15)
    top = [l for l in s.getvalue().splitlines() if l.strip()][-16:]
    entry = dict(wall_s=round(wall, 1), parts_s={k: round(v, 2) for k, v in parts.items()},
                 parts_share={k: round(v / wall, 3) for k, v in parts.items()},
                 top_tottime=top, argv=argv[:6] + a.opt, threads=a.threads, seed=a.seed,
                 accuracy={k: metrics.get(k) for k in ('accuracy_mean', 'accuracy_std', 'accuracies', 'random_mean', 'random_std', 'random_ipc')},
                 random_cache=metrics['protocol'].get('random', {}).get('cache'),
                 distill_seconds=metrics.get('distill_seconds'), bytes_total=metrics.get('bytes_total'),
                 machine=describe_machine(), load_average_1min_start=round(load0, 2), load_average_1min_end=round(os.getloadavg()[0], 2),
                 date=time.strftime('%Y-%m-%d %H:%M'),
                 note='measured with other jobs running on the shared 2-core machine (cProfile adds overhead); the shares, not the '
                      'seconds, are the reading; the lead times the main job alone')
    out = Path(a.out)
    res = json.loads(out.read_text()) if out.exists() else {}
    res[a.label] = entry
    atomic_write(out, lambda t: Path(t).write_text(json.dumps(res, indent=1)))
    print(json.dumps({k: entry[k] for k in ('wall_s', 'parts_s', 'parts_share', 'accuracy')}, indent=1))


if __name__ == '__main__': main()
