"""Run All, as a reader does it in JupyterLab: every cell of every notebook, `#| slow` ones included, timed.

Issue 13's target is Run All under 5 minutes per notebook on the 2-core CPU. Heavy cells load their committed
results (`dd_nb.core.cached`), so Run All recomputes nothing unless `DD_NB_RECOMPUTE=1`. The notebooks are executed
in memory (outputs are not written back) from `nbs/`, one at a time; time alone, with no other job on the machine.

    python benchmarks/run_all.py                          # all notebooks -> results/run_all.json and .md
    python benchmarks/run_all.py nbs/10_datadam.ipynb     # some
"""
from __future__ import annotations
import argparse, json, os, time
from pathlib import Path
from dd_nb.results import find_results_dir, describe_machine, format_machine, write_results

ROOT = Path(__file__).resolve().parent.parent
RESULTS = find_results_dir(__file__)


def run_all(path: Path) -> tuple:
    "(seconds, error or None) of executing every code cell of the notebook at `path`."
    from execnb.nbio import read_nb
    from execnb.shell import CaptureShell
    nb = read_nb(path)
    sh = CaptureShell(path.parent)
    t0 = time.time()
    try:
        sh.run_all(nb, exc_stop=True)
        return time.time() - t0, None
    except (Exception, SystemExit) as e:   # a cell that calls sys.exit (argparse on the kernel's argv) fails Run All too
        return time.time() - t0, f'{type(e).__name__}: {str(e)[:300]}'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('notebooks', nargs='*')
    a = ap.parse_args()
    os.environ.setdefault('MPLBACKEND', 'agg'); os.environ.setdefault('HF_HUB_OFFLINE', '1')
    import torch
    paths = [Path(p).resolve() for p in a.notebooks] or sorted((ROOT / 'nbs').glob('*.ipynb'))
    out = RESULTS / 'run_all.json'
    res = json.loads(out.read_text()) if out.exists() else {}
    res['machine'] = describe_machine(note=f"CUDA {'yes' if torch.cuda.is_available() else 'no'}")
    rows = res.setdefault('rows', {})
    for p in paths:
        secs, err = run_all(p)
        rows[p.name] = dict(seconds=round(secs, 1), error=err, date=time.strftime('%Y-%m-%d %H:%M'))
        print(f'{p.name:24s} {secs:7.1f} s' + (f'  FAILED: {err}' if err else ''), flush=True)
        write_results(out.stem, res, folder=RESULTS)
    lines = [f"**Run All, every cell including `slow` ones** ({format_machine(res['machine'])})", '',
             '| notebook | seconds | under 5 minutes | measured |', '|---|---|---|---|']
    for name, r in sorted(rows.items()):
        ok = 'failed: ' + r['error'] if r['error'] else ('yes' if r['seconds'] < 300 else '**no**')
        lines.append(f"| {name} | {r['seconds']:.0f} | {ok} | {r['date']} |")
    write_results(out.stem, res, table='\n'.join(lines), folder=RESULTS)
    print('\n'.join(lines))


if __name__ == '__main__':
    main()
