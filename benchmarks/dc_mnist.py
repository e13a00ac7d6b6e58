"""DC on MNIST, IPC 1, evaluated under the 'dc' preset (DC's own recipe), toward the paper's 91.7 %.

DC's settings (VICO-UoE/DatasetCondensation `main.py`): ConvNet-3 (width 128, instance norm), IPC 1 loops (1, 1):
a fresh network per step and no inner training; 256 real images per class, image lr 0.1, momentum 0.5; their run
is 1000 iterations from noise (`--init noise`). On the CPU we run fewer steps, from random real images (`--init`),
and may use a smaller real batch; both are recorded. The run checkpoints (resumable: rerun the same command with
a larger --eval-at to continue) and is evaluated at each step in --eval-at: 'dc' preset = 5 ConvNets x 1000
epochs with DC's MNIST augmentation (crop, scale, rotate), lr 0.01 x0.1 at half, final epoch, MNIST test split.

    DD_NB_DATA=... python benchmarks/dc_mnist.py --eval-at 50,150 --batch-real 256
Writes benchmarks/results/dc_mnist_ipc1.json.
"""
import argparse, json, os, time
from dd_nb.results import find_results_dir
from pathlib import Path
import torch


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--eval-at', default='50,150', help='comma-separated step counts at which to evaluate')
    ap.add_argument('--batch-real', type=int, default=256)
    ap.add_argument('--init', default='real')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--eval-models', type=int, default=5)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--checkpoint', default=None, help='checkpoint file (default: under the data root cache)')
    ap.add_argument('--out', default=str(find_results_dir(__file__) / 'dc_mnist_ipc1.json'))
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    from dd_nb.data import load_dataset, data_root
    from dd_nb.synset import init_synset
    from dd_nb.distill import distill
    from dd_nb.train import evaluate
    from dd_nb.core import machine_info
    data = load_dataset('mnist')
    settings = dict(batch_real=a.batch_real, init=a.init, seed=a.seed)
    ck = Path(a.checkpoint or data_root() / 'cache' / f"dc_mnist_ipc1_b{a.batch_real}_{a.init}_s{a.seed}.ckpt.pt")
    ck.parent.mkdir(parents=True, exist_ok=True)
    out = Path(a.out)
    doc = json.loads(out.read_text()) if out.exists() else dict(benchmark='dc_mnist_ipc1', rows=[])
    def save():
        doc.update(machine=machine_info(), note='timings measured with other jobs running on 2 shared cores')
        tmp = out.with_suffix('.json.tmp'); tmp.write_text(json.dumps(doc, indent=1)); os.replace(tmp, out)
    for steps in sorted(map(int, a.eval_at.split(','))):
        if any(r['settings'] == settings and r['steps'] == steps for r in doc['rows']): continue
        syn = init_synset(data, 1, a.init, torch.Generator().manual_seed(a.seed))
        run = distill(syn, data, 'dc', steps=steps, seed=a.seed, batch_real=a.batch_real, checkpoint=ck, checkpoint_every=10, progress=False)
        syn.save(out.parent / f"dc_mnist_ipc1_step{steps}.safetensors")
        res = evaluate(syn, data, n_models=a.eval_models, protocol='dc', seed=a.seed)
        doc['rows'].append(dict(settings=settings, steps=steps, accuracy_mean=res.mean, accuracy_std=res.std, accuracies=res.accuracies,
                                distill_seconds=run.seconds, seconds_per_step=run.seconds / steps, eval_seconds=res.seconds,
                                objective_config=run.config['objective_config'], lrs=run.config['lrs'], protocol=res.protocol,
                                loss_first10=sum(run.losses()[:10]) / 10, loss_last10=sum(run.losses()[-10:]) / 10))
        save()
        print(f"{steps} steps: {res.mean:.1f} ± {res.std:.1f} % ('dc' preset, {a.eval_models} models); distill {run.seconds:.0f} s "
              f"({run.seconds / steps:.1f} s/step), eval {res.seconds:.0f} s, other jobs running", flush=True)


if __name__ == '__main__':
    main()
