"""`dd-nb distill datadam --dataset digits --ipc 1 --labels projector` with and without HeLlO's image update, end to end.

Runs (default settings otherwise: the 'dd_nb' protocol, 5 convnets, 3 random subsets for the baseline, seed 0):

    dd-nb distill datadam --dataset digits --ipc 1 --labels projector --refine-steps 100 --out OUT/refine100
    dd-nb distill datadam --dataset digits --ipc 1 --labels projector --refine-steps 0   --out OUT/refine0

and stores each run's printed lines and the parts of its metrics.json that state accuracy, bytes and the update in
results/hello_digits_cli_refine.json.

    python benchmarks/hello_cli_refine.py [OUT]     # OUT defaults to runs/hello_cli_refine
"""
import json, subprocess, sys
from dd_nb.results import find_results_dir
from pathlib import Path

RESULT = find_results_dir(__file__) / 'hello_digits_cli_refine.json'
KEYS = ('accuracy_mean', 'accuracy_std', 'accuracies', 'random_mean', 'random_std', 'random_accuracies', 'random_ipc', 'random_bytes',
        'bytes_total', 'storage', 'evaluation_settings', 'image_update', 'seconds')

def collect(folder, printed) -> dict:
    m = json.loads((Path(folder) / 'metrics.json').read_text())
    return dict(command=m['evaluation_settings'], printed=[l for l in printed.splitlines() if l.strip()],
                **{k: m[k] for k in KEYS if k in m})

def main(out='runs/hello_cli_refine'):
    res = json.loads(RESULT.read_text()) if RESULT.exists() else {}
    for n in (100, 0):
        name = f'refine{n}'
        if name in res: continue
        cmd = ['dd-nb', 'distill', 'datadam', '--dataset', 'digits', '--ipc', '1', '--labels', 'projector', '--refine-steps', str(n),
               '--out', f'{out}/{name}', '--quiet']
        r = subprocess.run(cmd, capture_output=True, text=True, check=True)
        res[name] = dict(collect(f'{out}/{name}', r.stdout), argv=' '.join(cmd[:-3]))
        RESULT.write_text(json.dumps(res, indent=1))
    for name, r in res.items(): print(name, next(l for l in r['printed'] if ' on digits, IPC 1' in l))

if __name__ == '__main__': main(*sys.argv[1:])
