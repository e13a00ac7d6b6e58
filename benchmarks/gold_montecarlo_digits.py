"""The Monte-Carlo utility indicator on digits (GoldFromOres' `MonteCarlo` scores), its rank correlation with the loss
scores, and its pruning curve beside theirs.

Utility (`dd_nb.gold.montecarlo_scores`): --subsets random subsets of --per-class real images per class; each is
distilled by a cheap distiller (DM, IPC 1, --mc-steps steps from a random real image of the subset) and scored by
one ConvNet x --mc-epochs epochs on the digits *validation* split; a sample's utility = the mean accuracy of the
subsets that contain it. Then Spearman correlations with the 'early' and 'final' loss scores, and the pruning curve:
keep the highest-utility --fractions of every class, DM 150 steps (batch 32) from that pool, 5 ConvNets x 300 epochs
on the test split, seeds 0-2 (the 12_gold DM protocol; the loss curves are in gold_digits_curves.json).

    DD_NB_DATA=... python benchmarks/gold_montecarlo_digits.py
Writes benchmarks/results/gold_montecarlo_digits.json.
"""
import argparse, json, os, time
from dd_nb.results import find_results_dir
from pathlib import Path
import torch


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--subsets', type=int, default=120)
    ap.add_argument('--per-class', type=int, default=10)
    ap.add_argument('--mc-steps', type=int, default=10)
    ap.add_argument('--mc-epochs', type=int, default=50)
    ap.add_argument('--fractions', default='0.1')
    ap.add_argument('--seeds', default='0,1,2')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--out', default=str(find_results_dir(__file__) / 'gold_montecarlo_digits.json'))
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    from dd_nb.data import load_dataset
    from dd_nb.gold import loss_scores, montecarlo_scores, prune_distill_eval
    from dd_nb.core import machine_info
    data = load_dataset('digits')
    out = Path(a.out)
    doc = json.loads(out.read_text()) if out.exists() else dict(benchmark='gold_montecarlo_digits', rows=[])
    mc_settings = dict(n_subsets=a.subsets, per_class=a.per_class, steps=a.mc_steps, epochs=a.mc_epochs, seed=0)
    def save():
        doc['machine'] = machine_info()
        tmp = out.with_suffix('.json.tmp'); tmp.write_text(json.dumps(doc, indent=1)); os.replace(tmp, out)
    if doc.get('mc_settings') != mc_settings:
        t0 = time.time()
        mc, runs = montecarlo_scores(data, **mc_settings, return_runs=True, progress=True)
        doc.update(mc_settings=mc_settings, mc_seconds=time.time() - t0, montecarlo=mc.tolist(),
                   subset_accuracies=[r['accuracy'] for r in runs], rows=[])
        save()
    mc = torch.tensor(doc['montecarlo'])
    early, final = loss_scores(data), loss_scores(data, epochs=10, when='final')
    rank = lambda s: s.argsort().argsort().double()
    rho = lambda x, y: float(torch.corrcoef(torch.stack([rank(x), rank(y)]))[0, 1])
    doc['spearman'] = dict(montecarlo_vs_loss_early=rho(mc, early), montecarlo_vs_loss_final=rho(mc, final))
    print('Spearman:', doc['spearman'], flush=True)
    save()
    done = {(r['keep'], r['seed']) for r in doc['rows']}
    for s in map(int, a.seeds.split(',')):
        for f in map(float, a.fractions.split(',')):
            if (f, s) in done: continue
            r = prune_distill_eval(data, mc, f, 'hard', seed=s, steps=150, n_models=5, epochs=300, objective_kwargs=dict(batch_real=32))
            doc['rows'].append(dict(r, curve='montecarlo (keep high)'))
            save()
            print(f"montecarlo keep {f:g} seed {s}: {r['mean']:.1f} ± {r['std']:.1f}", flush=True)


if __name__ == '__main__':
    main()
