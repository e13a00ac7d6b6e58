"""Time building HaBa/MTT's digits expert buffer from scratch (10 experts x 15 epochs, depth 2: `MTT`'s defaults on
the digits), alone on the machine. Writes benchmarks/results/haba_digits_buffer_build.json, which nbs/11_haba.ipynb
shows. Issue 8's target: under 2 minutes on the 2-core CPU.

    python benchmarks/haba_buffer_timing.py              # torch's default threads (2 here)
    python benchmarks/haba_buffer_timing.py --threads 1
"""
import argparse, json, os, platform, tempfile, time
from pathlib import Path
import torch
from dd_nb.results import find_results_dir
from dd_nb.data import load_dataset
from dd_nb.mtt import expert_buffer

RESULTS = find_results_dir(__file__)

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--threads', type=int, default=None)
    ap.add_argument('--out', default=str(RESULTS / 'haba_digits_buffer_build.json'))
    a = ap.parse_args()
    if a.threads: torch.set_num_threads(a.threads)
    digits = load_dataset('digits')
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.time(); b = expert_buffer(digits, 10, 15, root=tmp, depth=2, progress=False); secs = time.time() - t0
    load = os.getloadavg()
    res = dict(buffer=str(b), seconds=secs, torch_threads=torch.get_num_threads(), last_expert_val_accuracy=b.info['last_expert_val_accuracy'],
               machine=f'{platform.machine()}, {os.cpu_count()} cores, CPU, torch {torch.__version__}',
               load_average_1min_after=round(load[0], 2), alone=True, date=time.strftime('%Y-%m-%d %H:%M'))
    Path(a.out).write_text(json.dumps(res, indent=1))
    print(json.dumps(res, indent=1))

if __name__ == '__main__':
    main()
