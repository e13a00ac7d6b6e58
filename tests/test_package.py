"""The package as users import it: the public API end to end on the embedded digits, the errors a user
can hit, and real MNIST from the data root (skipped when it is not there)."""
import os
from pathlib import Path
import pytest
import torch

import dd_nb
from dd_nb.data import load_dataset, data_root, DATASETS
from dd_nb.synset import init_synset, load_synset
from dd_nb.distill import distill, METHODS
from dd_nb.train import evaluate, random_baseline


@pytest.fixture(scope='module')
def digits():
    return load_dataset('digits')


def test_version():
    assert dd_nb.__version__


def test_distill_evaluate_save_load(digits, tmp_path):
    syn = init_synset(digits, ipc=2, generator=torch.Generator().manual_seed(0))
    start = syn.images.detach().clone()
    run = distill(syn, digits, 'dm', steps=30, batch_real=32, seed=0, progress=False)
    assert len(run.history) == 30 and not torch.equal(start, syn.images.detach())
    res = evaluate(syn, digits, n_models=2, epochs=20)
    assert len(res.accuracies) == 2 and 10 < res.mean <= 100
    assert res.protocol['dataset'] == 'digits' and res.protocol['ipc'] == 2
    back = load_synset(syn.save(tmp_path / 's.safetensors'), digits)
    assert torch.equal(back.images.detach(), syn.images.detach())


def test_same_seed_same_result(digits):
    runs = []
    for _ in range(2):
        syn = init_synset(digits, 1, generator=torch.Generator().manual_seed(4))
        distill(syn, digits, 'dm', steps=5, batch_real=16, seed=7, progress=False)
        runs.append(syn.images.detach())
    assert torch.equal(runs[0], runs[1])


def test_errors(digits):
    with pytest.raises(ValueError, match="unknown dataset 'cifar11'"):
        load_dataset('cifar11')
    with pytest.raises(ValueError, match='larger than the smallest class'):
        init_synset(digits, 10_000)
    with pytest.raises(ValueError, match="unknown method 'xyz'"):
        distill(init_synset(digits, 1), digits, 'xyz')


def _mnist_root():
    root = data_root()
    return root if (root / 'MNIST' / 'raw' / 'train-images-idx3-ubyte.gz').exists() or \
        (root / 'MNIST' / 'raw' / 'train-images-idx3-ubyte').exists() else None


@pytest.mark.skipif(_mnist_root() is None, reason='MNIST not found under the data root (set DD_NB_DATA)')
def test_mnist_from_data_root():
    if not os.access(_mnist_root() / 'MNIST' / 'raw', os.W_OK) and not (_mnist_root() / 'MNIST' / 'raw' / 'train-images-idx3-ubyte').exists():
        pytest.skip('MNIST raw folder is read-only and not unpacked; point DD_NB_DATA at a writable copy')
    m = load_dataset('mnist')
    assert m.shape == (1, 28, 28) and len(m.y_train) + len(m.y_val) == 60000 and len(m.y_test) == 10000
    assert m.class_counts.sum() == len(m.y_train)
    # per-class training counts from the data README (train split = 90% of each class)
    full = torch.bincount(torch.cat([m.y_train, m.y_val]), minlength=10)
    assert full.tolist() == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]


def test_methods_registered_by_import_dd_nb_alone():
    "A new user's first lines: `import dd_nb`, then any registered method by name (a fresh interpreter, nothing else imported)."
    import subprocess, sys
    code = ("import torch, dd_nb\n"
            "from dd_nb.data import load_dataset\nfrom dd_nb.synset import init_synset\nfrom dd_nb.distill import distill\n"
            "d = load_dataset('digits')\n"
            "for m in ('dm', 'datadam', 'dm_causal'):\n"
            "    run = distill(init_synset(d, 1), d, m, steps=2, batch_real=8, progress=False)\n"
            "    print(m, run.config['objective'], len(run.history))\n")
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split() == ['dm', 'dm', '2', 'datadam', 'datadam', '2', 'dm_causal', 'dm_causal', '2']


def test_shipped_baselines_are_found(tmp_path, monkeypatch):
    """The baselines shipped in dd_nb/baselines/ are read (not retrained) on a fresh data root, for the torch version they
    were made with. When this fails, a change to the data, protocol or training recipe changed their key: recompute
    them (the calls are in index.json) and copy the new files from the data root's cache/baselines/ folder."""
    import json
    from dd_nb.train import shipped_baselines_dir, baseline_file
    index = json.loads((shipped_baselines_dir() / 'index.json').read_text())
    assert index, 'no shipped baselines listed'
    monkeypatch.setenv('DD_NB_DATA', str(tmp_path))            # an empty data root: nothing cached
    for name, made in index.items():
        stored = json.loads((shipped_baselines_dir() / name).read_text())
        assert len(stored['accuracies']) == made['eval_kwargs']['n_models'] * len(made['seeds']), name
        if torch.__version__ != made['torch']: pytest.skip(f"shipped baselines were made with torch {made['torch']}, this is {torch.__version__}")
        data = load_dataset(made['dataset'])
        assert name == baseline_file(data, made['ipc'], made['seeds'], made['eval_kwargs']), name
        r = random_baseline(data, made['ipc'], seeds=tuple(made['seeds']), cache=True, **made['eval_kwargs'])
        assert r.protocol['cache'].startswith('shipped') and r.accuracies == stored['accuracies'], r.protocol['cache']
