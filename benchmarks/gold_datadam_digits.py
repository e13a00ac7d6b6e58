"""DataDAM on a pruned pool (digits, IPC 1) at DataDAM's validated digits image lr.

The rows of benchmarks/results/gold_digits_datadam.json (read by 12_gold, "With DataDAM") were first computed on
2026-11-22 at the synthetic set's default image lr 1.0, before `dd_nb.datadam` had its validated digits lr
(`VALIDATED_LRS`: 0.1 for 8x8 images); those runs were unstable across seeds (full pool 69.2 ± 7.2). This script
keeps them as gold_digits_datadam_lr1.json and recomputes the same cells (the 12_gold cell's `dam_rows`: DataDAM 150
steps, batch_real 32, the objective's defaults, which now take lr 0.1 on digits; pools full / easy 10 % / random
10 % by the same 'early' loss scores as the DM curves; init from random real images of the pool with seed 100+s;
5 ConvNets x 300 epochs, DSA, final epoch, test split; seeds 0, 1, 2) with `prune_distill_eval`. Resumable: rows
already computed at the validated lr are kept.

    DD_NB_DATA=... python benchmarks/gold_datadam_digits.py
"""
import json, os, shutil
from pathlib import Path
import torch


def main():
    torch.set_num_threads(1)
    from dd_nb.data import load_dataset
    from dd_nb.gold import loss_scores, prune_distill_eval
    from dd_nb.distill import get_objective
    from dd_nb.datadam import VALIDATED_LRS
    from dd_nb.results import find_results_dir, write_results
    res = find_results_dir(Path(__file__).parent)
    path, old = res / 'gold_digits_datadam.json', res / 'gold_digits_datadam_lr1.json'
    if path.exists() and not old.exists():
        rows = json.loads(path.read_text())
        if all('lrs' not in r for r in rows): shutil.copy(path, old)   # the lr-1.0 rows, kept for the record
    digits = load_dataset('digits')
    lrs = get_objective('datadam').default_lrs(digits)
    assert lrs == {'images': VALIDATED_LRS[8][1]}, lrs
    scores = loss_scores(digits)   # 12_gold's `scores`: loss_history(digits, epochs=3).mean(0)
    rows = [r for r in json.loads(path.read_text()) if r.get('lrs') == lrs] if path.exists() else []
    for s in (0, 1, 2):
        for name, f in (('full', 1.0), ('easy', 0.1), ('random', 0.1)):
            if any(r['curve'] == name and r['seed'] == s for r in rows): continue
            r = prune_distill_eval(digits, scores, f, 'easy' if name == 'full' else name, objective='datadam', steps=150, seed=s,
                                   objective_kwargs=dict(batch_real=32))
            rows.append(dict(r, curve=name, lrs=lrs, note='image lr = DataDAM VALIDATED_LRS for 8x8 (default_lrs); computed 2026-12-04'))
            write_results(path.stem, rows, folder=res)
            print(f"{name} keep {f:g} seed {s}: {r['mean']:.1f} ± {r['std']:.1f}  distill {r['distill_seconds']:.0f} s", flush=True)


if __name__ == '__main__':
    main()
