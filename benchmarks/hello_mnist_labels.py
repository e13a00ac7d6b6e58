"""HeLlO on MNIST, where stored soft labels outweigh the images: one table per IPC with bytes beside every accuracy.

Label sources on the same images (random real, init seed 100; and a cheaply distilled DataDAM set started from those
same images): hard labels; stored soft labels at fp32, fp16 and top-2 (`StoredLabels`); the teacher online (its
weights counted); the projector online (LoRA counted) with and without HeLlO's image update (`refine_steps`). The
random real rows are repeated at equal total bytes: as many real images per class with hard labels as fit in the
images + the label source's bytes.

A CPU-budget cut of the issue's protocol (the full one was estimated at 3-5 h of CPU; this runs in about 1 h on half a
shared core), every cut written into the results file:
- teacher: `cached_teacher(mnist, epochs=1)` (onecycle, full DSA, the whole 54,000-image training split), 1 seed;
- projector: `cached_projector` with the stand-in CLIP (pretrained on MNIST), 300 fitting steps (digits: 1,000),
  fitted to the final teacher; label error recorded on 500 validation images x 5 DSA views;
- students: 1 ConvNet per row (seed 0), 300 epochs (the online recipe `online_recipe(ipc)` otherwise, i.e. lr 0.1 and
  its temperature; hard labels: the 'dd_nb' preset, lr 0.01), scored on a fixed random 2,000 of the 10,000 test images;
- image update: `ImageUpdate(steps=REFINE_STEPS)` (100, chosen on digits' validation split), same steps for every set;
- DataDAM set: 300 steps, pool 20 x 64 real images per class, image lr 1 (`datadam_mnist_small_ipc1`'s recipe).

Rows are written to benchmarks/results/hello_mnist_labels.json as they finish; rerunning skips the done rows.
`--model-seed S` adds rows of another student seed (same teacher, projector, images and update): the notebook
averages a row over the seeds it has.

    python benchmarks/hello_mnist_labels.py             # computes the missing rows
    python benchmarks/hello_mnist_labels.py --model-seed 1 --stages 1,eq,dam   # IPC 1 again with student seed 1
    python benchmarks/hello_mnist_labels.py --table     # prints the tables from the results file
"""
import argparse, copy, dataclasses, json, time
from pathlib import Path
import torch

from dd_nb.core import atomic_write
from dd_nb.results import find_results_dir
OUT = find_results_dir(Path(__file__).parent) / 'hello_mnist_labels.json'
EPOCHS, N_MODELS, TEST_N, VAL_N, FIT_STEPS, TEACHER_EPOCHS, TOPK = 300, 1, 2000, 500, 300, 1, 2
IMAGE_BYTES = 28 * 28 * 4   # one MNIST image at fp32


def protocol():
    return dict(dataset='mnist', split=f'test, a fixed random {TEST_N} of 10,000 (generator seed 0)', n_models=N_MODELS,
                epochs=EPOCHS, teacher=dict(epochs=TEACHER_EPOCHS, seed=0, recipe='train_teacher (onecycle, lr 0.05, DSA), full training split'),
                projector=dict(clip='stand-in (pretrained on MNIST)', steps=FIT_STEPS, fitted_to='final teacher', val_images=VAL_N),
                hard_recipe=dict(protocol='dd_nb', lr=0.01, epochs=EPOCHS), online_recipe=f'online_recipe(ipc) with epochs={EPOCHS}',
                images=dict(random='random real, init_synset seed 100', datadam='DataDAM 300 steps, pool 20 x 64, lr 1, from the random set'),
                topk=TOPK, image_bytes=IMAGE_BYTES, hard_label_bytes=0,
                fraction=('of the issue protocol (3 seeds x 5 models x 1,000-epoch online recipe, 50-epoch teacher, 1,000-step projector, '
                          'full test split): 1 seed x 1 model, 300 epochs (0.3 of the student epochs), 1-epoch teacher, 300-step projector, '
                          '2,000 test images -> about 1/15 x 0.3 of the student training'),
                machine='2-core CPU shared with four other jobs, torch 1 thread (timings not alone)')


def load():
    if OUT.exists(): return json.loads(OUT.read_text())
    return dict(protocol=protocol(), rows=[], setup={})


def summarize(rows):
    "One record per (ipc, images, source): mean and sample std (n - 1) over the student seeds, with each seed's accuracy."
    import statistics
    groups = {}
    for r in rows: groups.setdefault((r['ipc'], r['images'], r['source']), []).append(r)
    out = []
    for (ipc, images, source), rs in groups.items():
        rs = sorted(rs, key=lambda r: r.get('model_seed', 0)); accs = [r['mean'] for r in rs]
        out.append(dict(ipc=ipc, setting=images, source=source, mean=statistics.fmean(accs),
                        std=statistics.stdev(accs) if len(accs) > 1 else None, accuracies=accs,
                        model_seeds=[r.get('model_seed', 0) for r in rs], epochs=rs[0]['recipe']['epochs'],
                        image_bytes=rs[0]['image_bytes'], label_bytes=rs[0]['label_bytes'], total_bytes=rs[0]['total_bytes']))
    return out


def save(res):
    res['summary'] = summarize(res['rows'])
    res['protocol'].pop('model_seed', None)   # superseded by model_seeds (students per IPC)
    res['protocol']['fraction'] = ('of the issue protocol (3 seeds x 5 models x 1,000-epoch online recipe, 50-epoch teacher, 1,000-step projector, '
                                   'full test split): 1 teacher, 1 projector, 1 image set; 3 students (seeds 0-2) at IPC 1, 1 at IPC 10; 300 epochs '
                                   '(IPC 10: 100), 1-epoch teacher, 300-step projector, 2,000 test images')
    res['protocol']['model_seeds'] = {str(i): sorted({r.get('model_seed', 0) for r in res['rows'] if r['ipc'] == i}) for i in sorted({r['ipc'] for r in res['rows']})}
    atomic_write(OUT, lambda t: Path(t).write_text(json.dumps(res, indent=1, default=str)))   # default=str: recipe objects as text


def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--table', action='store_true'); ap.add_argument('--stages', default='1,eq,dam,10,eqteacher,10b')
    ap.add_argument('--model-seed', type=int, default=0, help='seed of the student (its init and batch order); rows are kept per seed')
    a = ap.parse_args()
    global EPOCHS
    res = load()
    if a.table: return table(res)
    torch.set_num_threads(1)
    from dd_nb.labels import label_source, StoredLabels, soft_label_bytes, online_recipe, with_labels
    from dd_nb.hello import REFINE_STEPS
    from dd_nb.data import load_dataset
    from dd_nb.synset import init_synset, ModuleLabeler
    from dd_nb.train import evaluate
    full = load_dataset('mnist')
    te = torch.randperm(len(full.y_test), generator=torch.Generator().manual_seed(0))[:TEST_N]
    va = torch.randperm(len(full.y_val), generator=torch.Generator().manual_seed(0))[:VAL_N]
    data = dataclasses.replace(full, x_test=full.x_test[te], y_test=full.y_test[te], x_val=full.x_val[va], y_val=full.y_val[va])
    done = {(r['ipc'], r['images'], r['source'], r.get('model_seed', 0)) for r in res['rows']}

    t0 = time.time()
    teacher, kw_t, tdesc = label_source('teacher', data, 1, teacher_epochs=TEACHER_EPOCHS, progress=True)
    proj, _, pdesc = label_source('projector', data, 1, teacher_epochs=TEACHER_EPOCHS, projector_steps=FIT_STEPS, refine_steps=REFINE_STEPS, progress=True)
    update = pdesc.pop('update')
    res['setup'].setdefault('teacher', tdesc['teacher']); res['setup'].setdefault('projector', pdesc['projector'])
    res['setup'].setdefault('update', update.settings()); res['setup'].setdefault('labels_seconds', round(time.time() - t0, 1))
    save(res)
    tnet = teacher.module
    n_teacher = sum(p.numel() for p in tnet.parameters())

    def run(ipc, images, source, syn, labeler, kw, label_bytes, note='', refine=False):
        if (ipc, images, source, a.model_seed) in done: return
        t1 = time.time(); syn = copy.deepcopy(syn); rec = None
        if refine: rec = update(syn)
        syn = with_labels(syn, labeler)
        r = evaluate(syn, data, n_models=N_MODELS, seed=a.model_seed, split='test', **kw)
        img_bytes = syn.storage_parts(4)['images']
        measured = labeler.storage_bytes() // N_MODELS if isinstance(labeler, StoredLabels) else None
        row = dict(ipc=ipc, images=images, source=source, accuracies=r.accuracies, mean=r.mean, std=r.std, image_bytes=img_bytes,
                   label_bytes=label_bytes, total_bytes=img_bytes + label_bytes, recorded_label_bytes=measured, recipe=kw, update=rec,
                   note=note, model_seed=a.model_seed, seconds=round(time.time() - t1, 1))
        res['rows'].append(row); done.add((ipc, images, source, a.model_seed)); save(res)
        print(ipc, images, source, f'{r.mean:.2f}', f'{img_bytes + label_bytes} B', f'{row["seconds"]} s', flush=True)

    def sources(ipc, images, syn):
        kw_h = dict(lr=0.01, epochs=EPOCHS); kw_o = online_recipe(ipc) | dict(epochs=EPOCHS)
        n = 10 * ipc
        run(ipc, images, 'hard labels', syn, None, kw_h, 0)
        run(ipc, images, 'teacher online', syn, ModuleLabeler(tnet), kw_o, n_teacher * 4, 'teacher weights (fp32) counted')
        run(ipc, images, 'stored fp16', syn, StoredLabels(tnet, 'fp16'), kw_o, soft_label_bytes(n, 10, EPOCHS, 2))
        run(ipc, images, f'stored top-{TOPK}', syn, StoredLabels(tnet, 'topk', topk=TOPK), kw_o, soft_label_bytes(n, 10, EPOCHS, 2, topk=TOPK))
        run(ipc, images, 'projector online', syn, proj, kw_o, proj.storage_bytes(), 'LoRA matrices (fp32) counted')
        run(ipc, images, f'projector + image update ({REFINE_STEPS} steps)', syn, proj, kw_o, proj.storage_bytes(),
            'same projector; images refined by the ImageUpdate before evaluation (bytes unchanged)', refine=True)

    def equal_bytes(ipc, source_name, label_bytes, epochs=EPOCHS):
        k = (10 * ipc * IMAGE_BYTES + label_bytes) // (10 * IMAGE_BYTES)
        if k <= ipc: return
        syn = init_synset(data, int(k), generator=torch.Generator().manual_seed(100))
        run(ipc, 'random real', f'hard labels, {k}/class = bytes of {source_name}', syn, None, dict(lr=0.01, epochs=epochs), 0,
            f'equal total bytes to {source_name} (images + labels); {k} real images per class' + ('' if epochs == 300 else f'; {epochs} epochs (CPU cut)'))

    stages = a.stages.split(',')
    rnd1 = init_synset(data, 1, generator=torch.Generator().manual_seed(100))
    if '1' in stages: sources(1, 'random real', rnd1)
    if 'eq' in stages:
        for name, b in ((f'stored top-{TOPK}', soft_label_bytes(10, 10, EPOCHS, 2, topk=TOPK)), ('stored fp16', soft_label_bytes(10, 10, EPOCHS, 2)),
                        ('stored fp32', soft_label_bytes(10, 10, EPOCHS, 4)), ('projector', proj.storage_bytes())):
            equal_bytes(1, name, b)
    if 'dam' in stages:
        dam_path = OUT.with_name('hello_mnist_datadam_ipc1.safetensors')
        dam = copy.deepcopy(rnd1)
        if dam_path.exists():
            from safetensors.torch import load_file
            dam.images.data.copy_(load_file(str(dam_path))['images'])
        else:
            from dd_nb.distill import distill
            t1 = time.time()
            distill(dam, data, 'datadam', steps=300, lrs={'images': 1.0}, seed=0, progress=True, pool=20, pool_real=64,
                        p=4.0, norm='instance', lam=0.01, batch_real=64)
            from safetensors.torch import save_file
            save_file({'images': dam.images.detach().contiguous()}, str(dam_path))
            res['setup']['datadam'] = dict(steps=300, pool=20, pool_real=64, lr=1.0, seconds=round(time.time() - t1, 1), file=dam_path.name); save(res)
        sources(1, 'DataDAM', dam)
    if '10' in stages:   # IPC 10: random real only, 100 epochs (CPU cut)
        EPOCHS = 100
        rnd10 = init_synset(data, 10, generator=torch.Generator().manual_seed(100))
        kw_h = dict(lr=0.01, epochs=EPOCHS); kw_o = online_recipe(10) | dict(epochs=EPOCHS)
        run(10, 'random real', 'hard labels', rnd10, None, kw_h, 0, '100 epochs (CPU cut)')
        run(10, 'random real', 'teacher online', rnd10, ModuleLabeler(tnet), kw_o, n_teacher * 4, '100 epochs (CPU cut)')
        run(10, 'random real', 'projector online', rnd10, proj, kw_o, proj.storage_bytes(), '100 epochs (CPU cut)')
        run(10, 'random real', 'stored fp16', rnd10, StoredLabels(tnet, 'fp16'), kw_o, soft_label_bytes(100, 10, EPOCHS, 2), '100 epochs (CPU cut)')
        EPOCHS = 300
    if '10b' in stages:  # the rest of IPC 10 (random real, 100 epochs): top-2, the image update, equal total bytes
        EPOCHS = 100
        rnd10 = init_synset(data, 10, generator=torch.Generator().manual_seed(100))
        kw_o = online_recipe(10) | dict(epochs=EPOCHS)
        run(10, 'random real', f'stored top-{TOPK}', rnd10, StoredLabels(tnet, 'topk', topk=TOPK), kw_o, soft_label_bytes(100, 10, EPOCHS, 2, topk=TOPK), '100 epochs (CPU cut)')
        run(10, 'random real', f'projector + image update ({REFINE_STEPS} steps)', rnd10, proj, kw_o, proj.storage_bytes(),
            '100 epochs (CPU cut); images refined by the ImageUpdate before evaluation (bytes unchanged)', refine=True)
        for name, b in (('stored fp16', soft_label_bytes(100, 10, EPOCHS, 2)), ('stored fp32', soft_label_bytes(100, 10, EPOCHS, 4)),
                        ('teacher online', n_teacher * 4)):
            equal_bytes(10, name, b, epochs=EPOCHS)
        EPOCHS = 300
    if 'eqteacher' in stages: equal_bytes(1, 'teacher online', n_teacher * 4, epochs=100)
    table(res)


def table(res):
    for ipc in sorted({r['ipc'] for r in res['rows']}):
        print(f'\nMNIST IPC {ipc}')
        print('| images | label source | label bytes | total bytes | accuracy (%) |\n|---|---|---|---|---|')
        for r in res['rows']:
            if r['ipc'] == ipc:
                print(f"| {r['images']} | {r['source']} | {r['label_bytes']:,} | {r['total_bytes']:,} | {r['mean']:.1f} |")


if __name__ == '__main__': main()
