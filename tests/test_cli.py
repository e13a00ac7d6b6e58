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
    from dd_nb.train import EvalRecipe     # the recipe the arguments built, recorded; it reproduces the evaluation's settings
    rec = EvalRecipe.from_dict(m['protocol']['evaluation']['recipe'])
    assert (rec.protocol, rec.model, rec.n_models, rec.epochs) == ('dd_nb', 'convnet', 2, 40), rec
    assert len(m['accuracies']) == rec.n_models
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


# --- issue 29: a run folder that never lies, no tracebacks, every check before any work, nothing left behind ---

FAST = ('--steps', '6', '--batch-real', '8', '--no-eval', '--quiet')


def test_rerun_checks_settings_before_any_work(tmp_path, dd_here):
    "Another seed, IPC, method or init into a run folder is refused naming each setting; the same settings resume and say so."
    import hashlib
    out = tmp_path / 'run'
    dd_here('distill', 'dm', '--out', out, *FAST)
    md5 = lambda: hashlib.md5((out / 'state.safetensors').read_bytes()).hexdigest()
    before, metrics = md5(), (out / 'metrics.json').read_text()
    with pytest.raises(ValueError, match=r"seed 0 \(in the folder\) vs 7 \(now\)"):
        dd_here('distill', 'dm', '--out', out, '--seed', '7', *FAST)
    with pytest.raises(ValueError) as e:
        dd_here('distill', 'dm', '--out', out, '--ipc', '2', *FAST)
    assert 'ipc 1 (in the folder) vs 2 (now)' in str(e.value) and 'size mismatch' not in str(e.value)
    assert 'start fresh with another --out, or pass --overwrite' in str(e.value)
    with pytest.raises(ValueError, match=r"method dm \(in the folder\) vs datadam \(now\)"):
        dd_here('distill', 'datadam', '--out', out, *FAST)
    with pytest.raises(ValueError, match=r"init real \(in the folder\) vs noise \(now\); lr default \(in the folder\) vs 0.5 \(now\)"):
        dd_here('distill', 'dm', '--out', out, '--init', 'noise', '--lr', '0.5', *FAST)
    assert md5() == before and (out / 'metrics.json').read_text() == metrics        # the folder is as it was
    assert f'{out}: already distilled (6 steps); re-evaluating' in dd_here('distill', 'dm', '--out', out, *FAST).stdout
    r = dd_here('distill', 'dm', '--out', out, *FAST[2:], '--steps', '10')
    assert f'{out}: resuming from step 6 of 10' in r.stdout
    m = json.loads((out / 'metrics.json').read_text())
    assert m['settings']['seed'] == 0 and m['resumed_from_step'] == 6 and m['protocol']['distill']['steps'] == 10
    dd_here('distill', 'dm', '--out', out, '--seed', '7', '--overwrite', *FAST)
    assert json.loads((out / 'metrics.json').read_text())['settings']['seed'] == 7


def test_final_loss_is_the_last_progress_line(tmp_path, dd_here, monkeypatch):
    monkeypatch.delenv('TQDM_DISABLE', raising=False)
    r = dd_here('distill', 'dm', '--out', tmp_path / 'run', '--steps', '20', '--batch-real', '8', '--no-eval')
    last = [l for l in r.stderr.splitlines() if l.startswith('distill dm: 100% (20/20')][-1]
    m = json.loads((tmp_path / 'run' / 'metrics.json').read_text())
    assert last.endswith(f"loss={m['final_loss']:.4g})"), (last, m['final_loss'])


def test_bad_checkpoint_and_out_are_named_not_tracebacks(tmp_path, dd_here, monkeypatch):
    out = tmp_path / 'run'
    dd_here('distill', 'dm', '--out', out, *FAST)
    ck = out / 'checkpoint.pt'
    ck.write_bytes(ck.read_bytes()[:ck.stat().st_size // 2])               # truncated to half
    r = dd('distill', 'dm', '--out', str(out), *FAST, check=False)
    assert r.returncode == 1 and 'Traceback' not in r.stderr, r.stderr[-2000:]
    assert f"dd-nb: error: checkpoint '{ck}' cannot be read" in r.stderr and 'truncated or corrupt; delete it to start over' in r.stderr
    import torch
    torch.save({'model': torch.zeros(2)}, ck)                               # someone else's checkpoint
    with pytest.raises(ValueError, match="is not a dd_nb distillation checkpoint"):
        dd_here('distill', 'dm', '--out', out, *FAST)
    (tmp_path / 'afile').write_text('x')
    with pytest.raises(ValueError, match="is a file, not a folder"):
        dd_here('distill', 'dm', '--out', tmp_path / 'afile', *FAST)
    monkeypatch.setattr('dd_nb.cli.os.access', lambda *a, **k: False)     # a read-only file system, as os.access reports it
    with pytest.raises(ValueError, match=f"--out '{tmp_path / 'ro' / 'run'}' cannot be written: '{tmp_path}': it is read-only"):
        dd_here('distill', 'dm', '--out', tmp_path / 'ro' / 'run', *FAST)


def test_ctrl_c_writes_a_checkpoint_and_exits_130(tmp_path, dd_here, capsys):
    "KeyboardInterrupt inside a step (as Ctrl-C): one line naming the checkpoint, exit 130; the same command resumes exactly."
    import torch
    from dd_nb.distill import DM, register_method, METHODS, read_checkpoint
    from dd_nb.synset import load_synset

    class CtrlCAtStep3(DM):
        fired = False
        def loss(self, synset, data, generator, step):
            out = super().loss(synset, data, generator, step)    # the step's draws are made, then Ctrl-C
            if step == 3 and not CtrlCAtStep3.fired: CtrlCAtStep3.fired = True; raise KeyboardInterrupt
            return out
    register_method('dm_ctrl_c_test', CtrlCAtStep3)
    try:
        args = ('distill', 'dm_ctrl_c_test', '--out', tmp_path / 'run', '--checkpoint-seconds', '3600', *FAST)
        with pytest.raises(SystemExit) as e:
            dd_here(*args)
        err = capsys.readouterr().err
        assert e.value.code == 130 and err.strip().count('\n') == 0, err
        assert err.strip() == (f"dd-nb: interrupted at step 3 of 6; checkpoint written to '{tmp_path / 'run' / 'checkpoint.pt'}'. "
                               f"Run the same command again to resume from step 3")
        assert read_checkpoint(tmp_path / 'run' / 'checkpoint.pt')['step'] == 3
        assert 'resuming from step 3 of 6' in dd_here(*args).stdout
        dd_here('distill', 'dm_ctrl_c_test', '--out', tmp_path / 'straight', *FAST)
        a, b = (load_synset(tmp_path / f / 'state.safetensors') for f in ('run', 'straight'))
        assert torch.allclose(a.images, b.images, atol=1e-6)                 # resumed = uninterrupted
    finally:
        del METHODS['dm_ctrl_c_test']


def test_help_and_argument_errors_do_not_import_torch():
    code = ("import sys\nfrom dd_nb.cli import main\n"
            "for a in (['--help'], ['distill', '--help'], ['distill', 'dm', '--ipc', 'two'], ['nope']):\n"
            "    try: main(a)\n    except SystemExit as e: print('exit', e.code)\n"
            "print('torch' in sys.modules, 'dd_nb.distill' in sys.modules)")
    r = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=120)
    lines = r.stdout.splitlines()
    assert [l for l in lines if l.startswith('exit ')] == ['exit 0', 'exit 0', 'exit 2', 'exit 2'], r.stdout[-500:] + r.stderr[-500:]
    assert lines[-1] == 'False False', lines[-1]            # neither torch nor a method module was imported
    assert "argument --ipc: invalid int value: 'two'" in r.stderr and '--overwrite' in r.stdout and '--clip-weights' in r.stdout
    assert dd('--help').returncode == 0


def test_checks_before_any_work_leave_nothing(tmp_path, dd_here, monkeypatch):
    "Every refusal below happens before any work: no run folder, no data root, nothing under the cache."
    monkeypatch.setenv('DD_NB_DATA', str(tmp_path / 'root')); (tmp_path / 'root').mkdir()
    out = tmp_path / 'run'
    with pytest.raises(ValueError, match="unknown evaluation model 'bogus'; choose one of: convnet"):
        dd_here('distill', 'dm', '--eval-model', 'bogus', '--out', out)
    with pytest.raises(ValueError, match="--lr inf: must be a positive, finite learning rate"):
        dd_here('distill', 'dm', '--lr', 'inf', '--out', out)
    with pytest.raises(ValueError, match="larger than the smallest class"):
        dd_here('distill', 'dm', '--ipc', '500', '--out', out)
    with pytest.raises(FileNotFoundError, match=f"data root '{tmp_path / 'nonexistent'}' does not exist"):
        dd_here('distill', 'dm', '--dataset', 'mnist', '--data-root', tmp_path / 'nonexistent', '--out', out)
    with pytest.raises(FileNotFoundError, match=r"dataset 'mnist' is not under data root .* expected MNIST/raw/train-images-idx3-ubyte.gz"):
        dd_here('distill', 'dm', '--dataset', 'mnist', '--out', out)
    import huggingface_hub.constants
    monkeypatch.setattr(huggingface_hub.constants, 'HF_HUB_CACHE', str(tmp_path / 'hub'))   # an empty Hugging Face cache
    monkeypatch.setenv('HOME', str(tmp_path / 'home')); monkeypatch.setenv('HF_HUB_OFFLINE', '1')
    with pytest.raises(FileNotFoundError, match="CLIP weights ViT-B-32:openai are not on this machine .* pass --clip-weights PATH"):
        dd_here('distill', 'dm', '--labels', 'projector', '--clip', 'ViT-B-32:openai', '--out', out)
    with pytest.raises(FileNotFoundError, match="--clip-weights '/nonexistent/ViT-B-32.pt': no such file"):
        dd_here('distill', 'dm', '--labels', 'projector', '--clip', 'ViT-B-32:openai', '--clip-weights', '/nonexistent/ViT-B-32.pt', '--out', out)
    assert not out.exists() and not (tmp_path / 'nonexistent').exists() and list((tmp_path / 'root').iterdir()) == []
    dd_here('distill', 'dm', '--out', out, '--steps', '3', '--batch-real', '8', '--eval-models', '1', '--eval-epochs', '3', '--random-seeds', '1', '--quiet')
    assert (tmp_path / 'root' / 'cache' / 'baselines').is_dir() and not list((tmp_path / 'root').rglob('*.lock'))   # no lock files left


def test_evaluate_refuses_broken_sets(tmp_path, dd_here):
    import numpy as np
    x = np.random.default_rng(0).random((10, 1, 8, 8)); y = np.arange(10)
    one = x.copy(); one[3, 0, 4, 4] = np.nan
    np.savez(tmp_path / 'one.npz', x=one, y=y); np.savez(tmp_path / 'all.npz', x=np.full_like(x, np.nan), y=y)
    np.savez(tmp_path / 'ok.npz', x=x, y=y)
    with pytest.raises(ValueError, match=r"has 1 NaN or infinite values \(of 640\)"):
        dd_here('evaluate', tmp_path / 'one.npz', '--dataset', 'digits', '--normalization', 'pixels')
    with pytest.raises(ValueError, match=r"has 640 NaN or infinite values"):
        dd_here('evaluate', tmp_path / 'all.npz', '--dataset', 'digits', '--normalization', 'pixels')
    with pytest.raises(ValueError, match=r"--normalization '0.5/0': the stds \[0.0\] must be positive"):
        dd_here('evaluate', tmp_path / 'ok.npz', '--dataset', 'digits', '--normalization', '0.5/0')


def test_refine_steps_same_update_same_bytes(tmp_path, dd_here, monkeypatch):
    "Issue 25: --refine-steps refines the set's images and every random subset alike; the bytes do not change; metrics.json says so."
    monkeypatch.setenv('DD_NB_DATA', str(tmp_path / 'root'))
    from safetensors.torch import load_file
    tiny = ['distill', 'dm', '--dataset', 'digits', '--ipc', '1', '--steps', '3', '--labels', 'projector', '--teacher-epochs', '2',
            '--projector-steps', '5', '--eval-models', '1', '--eval-epochs', '2', '--random-seeds', '2', '--quiet']
    plain = dd_here(*tiny, '--refine-steps', '0', '--out', tmp_path / 'plain')
    r = dd_here(*tiny, '--refine-steps', '4', '--out', tmp_path / 'ref')
    m0, m = (json.loads((tmp_path / d / 'metrics.json').read_text()) for d in ('plain', 'ref'))
    assert 'image update' not in plain.stdout and 'image_update' not in m0
    # the refined set's bytes are the unrefined set's, and the baseline's bytes too
    assert m['bytes_total'] == m0['bytes_total'] and m['random_bytes'] == m0['random_bytes']
    u = m['image_update']
    assert u['set']['set']['bytes_after'] == u['set']['set']['bytes_before'] == m['bytes_total']
    assert len(u['random']['subsets']) == 2 and all(s['bytes_after'] == s['bytes_before'] for s in u['random']['subsets'])
    # the baseline's refinement: same steps, same settings, same projector and teacher (by their weights' digests)
    keys = ('steps', 'lr', 'views', 'dsa', 'seed', 'objective', 'projector', 'teacher')
    assert all(u['set'][k] == u['random'][k] for k in keys) and u['set']['steps'] == 4
    assert m['evaluation_settings']['refine_steps'] == 4 and m0['evaluation_settings']['refine_steps'] == 0
    assert 'images refined 4 steps' in r.stdout and 'same image update (4 steps)' in r.stdout and 'bytes unchanged by it' in r.stdout
    # the folder stores the refined images; the checkpoint keeps the distilled ones
    a, b = (load_file(str(tmp_path / d / 'state.safetensors')) for d in ('plain', 'ref'))
    img = next(k for k in a if 'images' in k)
    assert a[img].shape == b[img].shape and not torch_equal(a[img], b[img])
    # a re-evaluation with another number of steps refines the same distilled set again
    ev = dd_here('evaluate', tmp_path / 'ref', '--eval-models', '1', '--eval-epochs', '2', '--random-seeds', '1', '--quiet')   # the folder's set loads
    assert 'random real (IPC 1, equal bytes)' in ev.stdout
    r2 = dd_here(*tiny, '--refine-steps', '0', '--out', tmp_path / 'ref')
    assert 'refine_steps 4 -> 0' in r2.stdout
    assert torch_equal(load_file(str(tmp_path / 'ref' / 'state.safetensors'))[img], a[img])


def torch_equal(a, b):
    import torch
    return torch.equal(a, b)


def test_refine_steps_checked_before_any_work(tmp_path, dd_here, monkeypatch):
    monkeypatch.setenv('DD_NB_DATA', str(tmp_path / 'root'))
    with pytest.raises(ValueError, match=r"--refine-steps 5: .* needs --labels projector \(not teacher\)"):
        dd_here('distill', 'dm', '--labels', 'teacher', '--refine-steps', '5', '--out', tmp_path / 'a')
    with pytest.raises(ValueError, match='--refine-steps -1: must be 0 or more'):
        dd_here('distill', 'dm', '--labels', 'projector', '--refine-steps', '-1', '--out', tmp_path / 'b')
    with pytest.raises(ValueError, match='refines stored pixels, and haba makes a'):
        dd_here('distill', 'haba', '--labels', 'projector', '--refine-steps', '5', '--out', tmp_path / 'c')
    with pytest.raises(ValueError, match="unknown projector teachers 'best'; choose one of: final, weak"):
        dd_here('distill', 'dm', '--labels', 'projector', '--projector-teachers', 'best', '--out', tmp_path / 'd')
    assert not (tmp_path / 'root').exists() and not any((tmp_path / d).exists() for d in 'abcd')


@pytest.mark.parametrize('score,order', [('loss-converged', 'easy'), ('causal', 'band'), ('montecarlo', 'hard')])
def test_prune_every_score(tmp_path, dd_here, score, order):
    "Each `--score` runs at a tiny budget, keeps the fraction asked of every class and records the score and its own default order."
    r = dd_here('prune', '--dataset', 'digits', '--score', score, '--keep', '0.1', '--epochs', '1', '--out', str(tmp_path / 'p'))
    keep = json.loads((tmp_path / 'p' / 'keep.json').read_text())
    assert (keep['meta']['score'], keep['meta']['order']) == (score, order), keep['meta']
    assert f'score {score}, order {order}' in r.stdout
    assert keep['n_kept'] == sum(keep['kept_per_class']) and 0.08 * 1258 <= keep['n_kept'] <= 0.12 * 1258 and min(keep['kept_per_class']) >= 10
