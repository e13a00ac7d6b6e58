"""HeLlO composed with another method, from the command line: DataDAM images (digits, IPC 1) labelled online by the
projector and by the teacher, each beside random real images with the same labels, and why (projector-teacher
agreement on augmented views of the DataDAM images vs random real ones). Writes
benchmarks/results/hello_digits_compose.json, which nbs/13_hello.ipynb shows.

    DD_NB_DATA=/path/to/root python benchmarks/hello_compose.py [--run runs/datadam-digits-ipc1-projector]

The distillation run is reused when its folder holds metrics.json (the command line resumes from its checkpoint
otherwise); random baselines come from the data root's cache when an earlier run stored them.
"""
import argparse, json, os, platform, time
from pathlib import Path
import torch
from dd_nb.results import find_results_dir
from dd_nb.cli import main as cli
from dd_nb.data import load_dataset
from dd_nb.synset import load_synset, dataset_meta
from dd_nb.train import random_subset
from dd_nb.train import evaluate
from dd_nb.labels import label_source, dsa_views, online_recipe
from dd_nb.hello import label_error, update_images

RESULTS = find_results_dir(__file__)
KEEP = ('accuracy_mean', 'accuracy_std', 'accuracies', 'random_mean', 'random_std', 'random_ipc', 'random_bytes', 'bytes_total')


def agreement(data, run, views=20):
    "Projector-teacher label error and how often each names the image's class, on DSA views of the DataDAM set and of 3 random subsets."
    syn = load_synset(run/'state.safetensors'); meta = dataset_meta(data)
    proj, _, _ = label_source('projector', data, 1); teach, _, _ = label_source('teacher', data, 1)
    proj.bind(meta); teach.bind(meta)
    sets = [('DataDAM', syn.materialize().images, syn.materialize().classes)]
    sets += [(f'random subset {1000 + s}', random_subset(data, 1, torch.Generator().manual_seed(1000 + s)).images, torch.arange(10)) for s in range(3)]
    rows = []
    with torch.no_grad():
        for name, x, y in sets:
            v, yv = dsa_views(x.detach(), views, seed=7), y.repeat(views)
            e = label_error(proj, teach, v)
            rows.append(dict(images=name, **e, teacher_names_class=float((teach(v).argmax(-1) == yv).float().mean() * 100),
                             projector_names_class=float((proj(v).argmax(-1) == yv).float().mean() * 100)))
    return rows


def refined(data, run, steps=100, lr=0.01, views=20):
    "HeLlO's image update on the DataDAM images (lower projector-teacher KL on their views), then projector-labelled students as the CLI trains them."
    syn = load_synset(run/'state.safetensors'); meta = dataset_meta(data)
    proj, student, _ = label_source('projector', data, 1); teach, _, _ = label_source('teacher', data, 1)
    proj.bind(meta); teach.bind(meta)
    before = syn.images.detach().clone()
    hist = update_images(syn, proj, teach, steps=steps, lr=lr)
    with torch.no_grad():
        v = dsa_views(syn.images.detach(), views, seed=7); e = label_error(proj, teach, v)
    syn.labeler = proj
    r = evaluate(syn, data, n_models=5, seed=0, **student)
    return dict(steps=steps, lr=lr, loss_first=hist[0], loss_last=hist[-1], mean_abs_change=float((syn.images.detach() - before).abs().mean()),
                agreement_after=e, accuracy_mean=r.mean, accuracy_std=r.std, accuracies=r.accuracies, protocol=r.protocol)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--run', default='runs/datadam-digits-ipc1-projector')
    a = ap.parse_args()
    run = Path(a.run); t0 = time.time()
    if not (run/'metrics.json').exists():
        cli(['distill', 'datadam', '--dataset', 'digits', '--ipc', '1', '--labels', 'projector', '--quiet', '--out', str(run)])
    proj = json.loads((run/'metrics.json').read_text())
    teacher = cli(['evaluate', str(run), '--label-source', 'teacher', '--quiet'])
    out = dict(command='dd-nb distill datadam --dataset digits --ipc 1 --labels projector; dd-nb evaluate RUN --label-source teacher',
               projector={k: proj[k] for k in KEEP} | dict(protocol=proj['protocol']['evaluation'], labels=proj['labels']),
               teacher={k: teacher[k] for k in KEEP} | dict(protocol=teacher['protocol'], labels=teacher['labels']),
               agreement=agreement(load_dataset('digits'), run),
               refined=refined(load_dataset('digits'), run),
               machine=f'{platform.machine()}, {os.cpu_count()} cores, {torch.get_num_threads()} torch threads, load average {os.getloadavg()[0]:.1f}',
               seconds=time.time() - t0)
    RESULTS.mkdir(exist_ok=True); (RESULTS/'hello_digits_compose.json').write_text(json.dumps(out, indent=1))
    for k in ('projector', 'teacher'):
        r = out[k]; print(f"DataDAM + {k}: {r['accuracy_mean']:.1f} ± {r['accuracy_std']:.1f}   random real + {k}: {r['random_mean']:.1f} ± {r['random_std']:.1f}")
    for r in out['agreement']: print(r)
    r = out['refined']; print(f"DataDAM refined by the image update + projector: {r['accuracy_mean']:.1f} ± {r['accuracy_std']:.1f}; agreement {r['agreement_after']['agree']:.1f} %")


if __name__ == '__main__':
    main()
