"""The `dd-nb` console script end to end, as a terminal user runs it."""
import json, subprocess, sys, shutil
from pathlib import Path
import pytest

EXE = shutil.which('dd-nb', path=str(Path(sys.executable).parent)) or shutil.which('dd-nb')
pytestmark = pytest.mark.skipif(EXE is None, reason='the dd-nb console script is not installed (pip install -e .)')


def dd(*args, check=True):
    cmd = [EXE] + list(args)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if check: assert r.returncode == 0, r.stderr[-3000:]
    return r


def test_distill_then_evaluate(tmp_path):
    out = tmp_path / 'run'
    r = dd('distill', 'dm', '--dataset', 'digits', '--ipc', '1', '--steps', '30', '--out', str(out),
           '--eval-models', '2', '--eval-epochs', '40', '--random-seeds', '1', '--quiet')
    assert 'random real:' in r.stdout and 'protocol:' in r.stdout
    m = json.loads((out / 'metrics.json').read_text())
    for k in ('method', 'dataset', 'ipc', 'accuracy_mean', 'accuracy_std', 'random_mean', 'random_std', 'bytes_total', 'seconds', 'protocol'):
        assert k in m
    assert m['method'] == 'dm' and m['ipc'] == 1 and m['bytes_total'] == 10 * 64 * 4
    assert (out / 'synset.safetensors').exists() and (out / 'grid.png').stat().st_size > 1000
    r2 = dd('evaluate', str(out), '--eval-models', '2', '--eval-epochs', '40', '--random-seeds', '1', '--quiet')
    assert f"{m['accuracy_mean']:.1f} ±" in r2.stdout


def test_bad_input_exits_with_message(tmp_path):
    r = dd('distill', 'nope', '--out', str(tmp_path / 'x'), check=False)
    assert r.returncode != 0 and "unknown method 'nope'; choose one of:" in r.stderr
    r = dd('evaluate', str(tmp_path / 'missing.safetensors'), check=False)
    assert r.returncode != 0 and 'no synthetic-set file at' in r.stderr


def test_methods_lists_registry():
    out = dd('methods').stdout
    assert 'datadam  (DataDAM on PixelSet)' in out and 'command-line defaults: pool=50, pool_real=64' in out
    assert '--opt p: float = 4.0  # attention power' in out


def test_bad_opt_fails_before_any_work(tmp_path):
    r = dd('distill', 'datadam', '--opt', 'p=abc', '--out', str(tmp_path / 'x'), check=False)
    assert r.returncode != 0 and "option 'p' of method 'datadam' takes a float, got 'abc'" in r.stderr
    r = dd('distill', 'dm', '--opt', 'bogus=5', '--out', str(tmp_path / 'y'), check=False)
    assert r.returncode != 0 and "unknown option 'bogus' for method 'dm'; its options: batch_real" in r.stderr
    assert not (tmp_path / 'x').exists() and not (tmp_path / 'y').exists()


def test_datasets_lists_digits():
    assert 'digits' in dd('datasets').stdout


def test_prune_then_distill_from_kept_pool(tmp_path):
    r = dd('prune', '--dataset', 'digits', '--keep', '0.2', '--order', 'easy', '--epochs', '1', '--out', str(tmp_path / 'p'))
    keep = json.loads((tmp_path / 'p' / 'keep.json').read_text())
    assert keep['dataset'] == 'digits' and 'kept' in r.stdout
    out = tmp_path / 'run'
    dd('distill', 'dm', '--steps', '5', '--keep', str(tmp_path / 'p' / 'keep.json'), '--out', str(out), '--no-eval', '--quiet')
    m = json.loads((out / 'metrics.json').read_text())
    assert m['protocol']['distill']['n_train'] == keep['n_kept'] < 1258
