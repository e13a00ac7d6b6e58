"""The `dd-nb` console script end to end, as a terminal user runs it.

A few tests start the real console script in a fresh process (`dd`): the entry point, its error exit, progress lines
in a pipe. The others call `dd_nb.cli.main` with the same arguments in the test's own process (`dd_here`), which
skips the 2-3 s interpreter and torch start-up of each call; `main(argv)` raises the error instead of exiting."""
import json, os, subprocess, sys, shutil
from pathlib import Path
from types import SimpleNamespace
import pytest

EXE = shutil.which('dd-nb', path=str(Path(sys.executable).parent)) or shutil.which('dd-nb')
pytestmark = pytest.mark.skipif(EXE is None, reason='the dd-nb console script is not installed (pip install -e .)')


def dd(*args, check=True, env=None):
    cmd = [EXE] + list(args)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env)
    if check: assert r.returncode == 0, r.stderr[-3000:]
    return r


@pytest.fixture
def dd_here(capsys):
    "Run `dd-nb ARGS` in this process; returns its stdout and stderr (as `dd` does; an error is raised, not an exit code)."
    from dd_nb.cli import main
    def run(*args):
        capsys.readouterr()
        main([str(a) for a in args])
        out = capsys.readouterr()
        return SimpleNamespace(stdout=out.out, stderr=out.err)
    return run


def test_distill_then_evaluate(tmp_path, dd_here):
    out = tmp_path / 'run'
    r = dd('distill', 'dm', '--dataset', 'digits', '--ipc', '1', '--steps', '30', '--batch-real', '16', '--out', str(out),
           '--eval-models', '2', '--eval-epochs', '40', '--random-seeds', '1', '--quiet')
    assert 'random real (IPC 1, equal bytes):' in r.stdout and 'protocol dd_nb:' in r.stdout
    m = json.loads((out / 'metrics.json').read_text())
    for k in ('method', 'dataset', 'ipc', 'accuracy_mean', 'accuracy_std', 'random_mean', 'random_std', 'bytes_total', 'seconds', 'protocol'):
        assert k in m
    assert m['method'] == 'dm' and m['ipc'] == 1 and m['bytes_total'] == 10 * 64 * 4
    assert (out / 'synset.safetensors').exists() and (out / 'grid.png').stat().st_size > 1000
    r2 = dd_here('evaluate', str(out), '--eval-models', '2', '--eval-epochs', '40', '--random-seeds', '1', '--quiet')
    assert f"{m['accuracy_mean']:.1f} ±" in r2.stdout


def test_bad_input_exits_with_message(tmp_path, dd_here):
    r = dd('distill', 'nope', '--out', str(tmp_path / 'x'), check=False)
    assert r.returncode != 0 and "dd-nb: error: unknown method 'nope'; choose one of:" in r.stderr
    with pytest.raises(FileNotFoundError, match='no synthetic-set file at'):
        dd_here('evaluate', tmp_path / 'missing.safetensors')


def test_methods_lists_registry(dd_here):
    out = dd_here('methods').stdout
    assert 'datadam  (DataDAM on PixelSet)' in out and 'command-line defaults: pool=50, pool_real=64' in out
    assert '--opt p: float = 4.0  # attention power' in out


def test_bad_opt_fails_before_any_work(tmp_path, dd_here):
    with pytest.raises(ValueError, match=r"option 'p' of method 'datadam' takes a float, got 'abc'"):
        dd_here('distill', 'datadam', '--opt', 'p=abc', '--out', tmp_path / 'x')
    with pytest.raises(ValueError, match=r"unknown option 'bogus' for method 'dm'; its options: batch_real"):
        dd_here('distill', 'dm', '--opt', 'bogus=5', '--out', tmp_path / 'y')
    with pytest.raises(ValueError, match=r"unknown init 'zeros'; choose one of: real, noise, kmeans"):
        dd_here('distill', 'dm', '--init', 'zeros', '--out', tmp_path / 'z')
    assert not (tmp_path / 'x').exists() and not (tmp_path / 'y').exists() and not (tmp_path / 'z').exists()


def test_kmeans_start_is_recorded(tmp_path, dd_here):
    "`--init kmeans` starts from each class's k-means centroids (its mean at IPC 1); the protocol says so."
    import torch
    from dd_nb.data import load_dataset
    from dd_nb.synset import load_synset
    dd_here('distill', 'dm', '--init', 'kmeans', '--steps', '0', '--out', tmp_path / 'run', '--no-eval', '--quiet')
    m = json.loads((tmp_path / 'run' / 'metrics.json').read_text())
    assert m['protocol']['distill']['init'] == 'kmeans'
    d = load_dataset('digits')
    syn = load_synset(tmp_path / 'run' / 'synset.safetensors', d)
    means = torch.stack([d.x_train[i].mean(0) for i in d.class_index])
    assert torch.allclose(syn.images.data, means, atol=1e-4)


def test_datasets_lists_digits(dd_here):
    assert 'digits' in dd_here('datasets').stdout


def test_prune_then_distill_from_kept_pool(tmp_path, dd_here):
    r = dd_here('prune', '--dataset', 'digits', '--keep', '0.2', '--order', 'easy', '--epochs', '1', '--out', str(tmp_path / 'p'))
    keep = json.loads((tmp_path / 'p' / 'keep.json').read_text())
    assert keep['dataset'] == 'digits' and 'kept' in r.stdout
    out = tmp_path / 'run'
    dd_here('distill', 'dm', '--steps', '5', '--batch-real', '16', '--keep', str(tmp_path / 'p' / 'keep.json'), '--out', str(out), '--no-eval', '--quiet')
    m = json.loads((out / 'metrics.json').read_text())
    assert m['protocol']['distill']['n_train'] == keep['n_kept'] < 1258


def test_progress_when_piped_is_a_few_lines(tmp_path):
    "Output to a pipe (a log file, CI): plain progress lines every 10 %, not thousands of redrawn bars."
    env = {k: v for k, v in os.environ.items() if k != 'TQDM_DISABLE'}
    r = dd('distill', 'dm', '--steps', '50', '--batch-real', '16', '--out', str(tmp_path / 'run'), '--eval-models', '1', '--eval-epochs', '20',
           '--random-seeds', '1', env=env)
    err = r.stderr
    assert '\r' not in err, err[:500]
    lines = [l for l in err.splitlines() if '%' in l]
    assert any(l.startswith('distill dm: 100% (50/50') for l in lines), err[-2000:]
    assert 10 <= len(lines) <= 60, (len(lines), lines[:5])
    r = dd('distill', 'dm', '--steps', '10', '--batch-real', '16', '--out', str(tmp_path / 'q'), '--no-eval', '--quiet', env=env)
    assert '%' not in r.stderr


def test_evaluate_other_codebases_files(tmp_path, dd_here):
    "A .pt pair as the DC/DSA/DM and MTT code save it, an .npz, and a mismatched file."
    import numpy as np, torch
    from dd_nb.data import load_dataset
    d = load_dataset('digits')
    pos = d.sample_per_class(1, torch.Generator().manual_seed(0)).flatten()
    pix, y = d.denorm(d.x_train[pos]), d.y_train[pos]
    torch.save((pix - 0.5) / 0.25, tmp_path / 'images.pt'); torch.save(y, tmp_path / 'labels.pt')
    np.savez(tmp_path / 'set.npz', x=pix.numpy(), y=y.numpy(), mean=np.array([0.0]), std=np.array([1.0]))
    kw = ['--eval-models', '1', '--eval-epochs', '20', '--random-seeds', '1', '--quiet']
    a = dd_here('evaluate', str(tmp_path / 'images.pt'), '--labels', str(tmp_path / 'labels.pt'), '--dataset', 'digits',
           '--normalization', '0.5/0.25', *kw)
    b = dd_here('evaluate', str(tmp_path / 'set.npz'), '--dataset', 'digits', *kw)     # mean/std read from the file
    import re
    acc = lambda out: re.search(r'IPC 1: ([0-9.]+ ± [0-9.]+) %', out).group(1)
    assert 'random real (IPC 1, equal bytes):' in a.stdout and acc(a.stdout) == acc(b.stdout)      # the same images, the same seed
    torch.save((torch.zeros(10, 3, 32, 32), torch.arange(10)), tmp_path / 'cifar.pt')
    with pytest.raises(ValueError, match=re.escape("images have shape (10, 3, 32, 32) but 'digits' images are (N, 1, 8, 8)")):
        dd_here('evaluate', tmp_path / 'cifar.pt', '--dataset', 'digits', '--normalization', 'pixels')
    torch.save((pix, y + 5), tmp_path / 'badlabels.pt')
    with pytest.raises(ValueError, match="do not fit 'digits' with 10 classes"):
        dd_here('evaluate', tmp_path / 'badlabels.pt', '--dataset', 'digits', '--normalization', 'pixels')
