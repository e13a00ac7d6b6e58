"""Time the embedded-data main job of HaBa, `dd-nb distill haba --dataset digits --ipc 1`, alone, on a fresh data root
(no cached expert buffer; the equal-bytes random baseline is the shipped one), and append a row to
results/haba_main_job_alone.json with its wall time, accuracy and the machine.

    python benchmarks/haba_main_job_time.py --label "buffer 10 x 3 (CLI default)"

Run it with nothing else on the machine: the row records the 1-minute load average at the start."""
import argparse, json, os, subprocess, sys, tempfile, time
from dd_nb.results import find_results_dir, describe_machine, write_results

OUT = find_results_dir(__file__) / 'haba_main_job_alone.json'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--label', required=True); ap.add_argument('--opt', action='append', default=[], help='extra --opt for the command')
    a = ap.parse_args()
    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        cmd = ['dd-nb', 'distill', 'haba', '--dataset', 'digits', '--ipc', '1', '--out', f'{tmp}/run'] + sum((['--opt', o] for o in a.opt), [])
        t0 = time.time()
        subprocess.run(cmd, check=True, env=os.environ | {'DD_NB_DATA': f'{tmp}/data'})
        wall = time.time() - t0
        m = json.loads(open(f'{tmp}/run/metrics.json').read())
    res = json.loads(OUT.read_text()) if OUT.exists() else dict(benchmark='haba main job alone', rows=[])
    res['rows'].append(dict(label=a.label, command=' '.join(cmd[:7]), wall_s=round(wall, 1), distill_seconds=m.get('distill_seconds'),
                            accuracy_mean=m['accuracy_mean'], accuracy_std=m['accuracy_std'], random_mean=m['random_mean'],
                            random_std=m['random_std'], random_ipc=m['random_ipc'], bytes=m['bytes_total'],
                            objective_config=m['protocol']['distill'].get('objective_config'),
                            machine=describe_machine(note=f'fresh data root; load average {load0:.2f} at the start'), argv=sys.argv[1:]))
    write_results(OUT.stem, res, folder=OUT.parent)
    print(f"{a.label}: {wall:.1f} s wall, {m['accuracy_mean']:.1f} ± {m['accuracy_std']:.1f} vs random {m['random_mean']:.1f} ± {m['random_std']:.1f}")


if __name__ == '__main__': main()
