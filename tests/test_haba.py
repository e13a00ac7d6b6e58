"""HaBa and MTT as a user meets them: after `import dd_nb` alone, from Python and from the `dd-nb` command (tiny
settings; the expert buffer is built into a temporary data root)."""
import json, os, subprocess, sys
from pathlib import Path


def run(code, env):
    return subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=600, env=env)


def test_haba_and_mtt_after_import_dd_nb_alone(tmp_path):
    env = os.environ | {'DD_NB_DATA': str(tmp_path)}
    code = ("import torch, dd_nb\n"
            "from dd_nb.data import load_dataset\nfrom dd_nb.synset import init_synset, load_synset\nfrom dd_nb.distill import distill, get_method\n"
            "d = load_dataset('digits')\n"
            "opts = dict(n_experts=2, buffer_epochs=3, syn_steps=2)\n"
            "for m in ('mtt', 'haba'):\n"
            "    s = init_synset(d, 1, generator=torch.Generator().manual_seed(0), kind=get_method(m).synset)\n"
            "    run = distill(s, d, m, steps=2, progress=False, **opts)\n"
            f"    p = s.save(r'{tmp_path}' + f'/{{m}}.safetensors'); back = load_synset(p, d)\n"
            "    print(m, type(back).__name__, back.eval_lr == s.eval_lr, len(run.history))\n")
    r = run(code, env)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.split() == ['mtt', 'PixelSet', 'True', '2', 'haba', 'HaBaSet', 'True', '2']
    assert len(list((tmp_path / 'cache' / 'experts').glob('digits-*.safetensors'))) == 1    # one buffer, shared by both


def test_cli_distill_haba_and_mtt(tmp_path, monkeypatch):
    "`dd-nb distill haba|mtt` (called as `dd_nb.cli.main(argv)` in this process, to skip a fresh interpreter's start-up)."
    from dd_nb.cli import main
    monkeypatch.setenv('DD_NB_DATA', str(tmp_path))
    for method in ('haba', 'mtt'):
        out = tmp_path / method
        main(['distill', method, '--dataset', 'digits', '--ipc', '1', '--steps', '2', '--eval-models', '1',
              '--eval-epochs', '2', '--random-seeds', '1', '--quiet', '--out', str(out),
              '--opt', 'n_experts=2', '--opt', 'buffer_epochs=3', '--opt', 'syn_steps=2'])
        m = json.loads((out / 'metrics.json').read_text())
        assert m['method'] == method and 'accuracy_mean' in m and 'random_mean' in m
        for f in ('grid.png', 'state.safetensors', 'synset.safetensors'): assert (out / f).exists(), f
    m = json.loads((tmp_path / 'haba' / 'metrics.json').read_text())
    assert 'hallucinators' in m['storage']
    assert m['random_ipc'] == max(1, m['bytes_total'] // (10 * 64 * 4)) and m['random_ipc'] > 1   # the baseline gets HaBa's bytes
