"""Choices for the digits comparison of `nbs/11_haba.ipynb`, made on the validation split: one JSON line per setting.

Each argument is a JSON object: synthetic-set options (kind, ipc, n_hallucinators, affine, mode, ...), `lrs`, `steps`,
`objective` ('mtt', default, or 'datadam') and the objective's options. Seed 0 (set drawn from seed 100), then 3
ConvNet-3 x 300 epochs (DSA, final epoch) on the **validation** split, with the fixed lr 0.01 and, for MTT, the learned
lr. Single thread. `results/haba_digits_selection.jsonl` holds the lines of the runs made for the notebook; its
first four lines came from an earlier copy of this script that handled MTT only (same code path, seeds and protocol).

    python benchmarks/haba_digits_select.py '{"n_hallucinators": 10, "affine": "channel", "lrs": {"bases": 10, "hallucinators": 0.1}}'
    python benchmarks/haba_digits_select.py '{"objective": "datadam", "pool": 50, "pool_real": 64, "steps": 500, "n_hallucinators": 10, "affine": "channel", "lrs": {"bases": 0.1, "hallucinators": 0.01}}'
"""
import torch, time, sys, json
torch.set_num_threads(1)
from dd_nb.data import load_dataset
from dd_nb.synset import init_synset
from dd_nb.distill import distill
from dd_nb.train import evaluate
import dd_nb.haba  # registers haba and its validated lrs
from dd_nb.mtt import MTT

KIND_OPTS = ('n_hallucinators', 'affine', 'mode', 'padding', 'hallucinator_init')

d = load_dataset('digits')
for spec in sys.argv[1:]:
    a = json.loads(spec)
    objective = a.pop('objective', 'mtt')
    kind = a.pop('kind', 'HaBaSet'); ipc = a.pop('ipc', 1); steps = a.pop('steps', 300); lrs = a.pop('lrs', None)
    kind_opts = {k: a.pop(k) for k in list(a) if k in KIND_OPTS}
    syn = init_synset(d, ipc, generator=torch.Generator().manual_seed(100), kind=kind, **kind_opts)
    t = time.time()
    run = distill(syn, d, MTT(**a) if objective == 'mtt' else objective, steps=steps, lrs=lrs, seed=0, progress=False,
                  **({} if objective == 'mtt' else a))
    secs = time.time() - t
    L = run.losses()
    r = evaluate(syn, d, n_models=3, epochs=300, split='val')
    out = dict(spec=json.loads(spec), loss_first=sum(L[:20]) / 20, loss_last=sum(L[-20:]) / 20, eval_lr=syn.eval_lr, secs=round(secs),
               bytes=sum(syn.storage().values()), val=round(r.mean, 1), val_std=round(r.std, 1))
    if syn.eval_lr is not None:
        rl = evaluate(syn, d, n_models=3, epochs=300, split='val', lr='synset')
        out.update(val_learned=round(rl.mean, 1), val_learned_std=round(rl.std, 1))
    print(json.dumps(out), flush=True)
