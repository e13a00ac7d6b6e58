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
    cfg = m['protocol']['distill']
    assert cfg['objective'] == 'haba' and cfg['objective_config']['adversary'] == 'sum'        # the adversary runs by default
    assert cfg['objective_config']['lam_cos'] == 0.1 and cfg['objective_config']['lam_con'] == 0.1
    assert m['random_ipc'] == max(1, m['bytes_total'] // (10 * 64 * 4)) and m['random_ipc'] > 1   # the baseline gets HaBa's bytes


def test_adversary_lowers_within_base_similarity_in_a_fixed_probe(tmp_path):
    """Same seeds, same set, same buffer; only the adversary differs. In a fixed random probe (never trained), the
    hallucinations of a base end up less alike with the adversary than without it: a little at the authors' weight
    (lam_cos 0.1: the set's term has about a tenth of the matching loss's gradient), a lot at lam_cos 1.
    (40 steps to keep the suite short; benchmarks/haba_adversary.py runs the same settings for 300.)"""
    import torch
    import dd_nb.haba as H
    from dd_nb.data import load_dataset
    from dd_nb.synset import init_synset
    from dd_nb.distill import distill
    from dd_nb.mtt import expert_buffer, small_image_kwargs
    from dd_nb.nets import make_net
    n = torch.get_num_threads(); torch.set_num_threads(1)
    try:
        d = load_dataset('digits')
        buf = expert_buffer(d, n_experts=3, epochs=6, depth=2, progress=False, root=tmp_path)
        probe = make_net('convnet', d, torch.Generator().manual_seed(7), **small_image_kwargs(d))
        sim = {}
        for name, kw in (('none', dict(adversary='none')), ('sum', {}), ('sum_cos1', dict(lam_cos=1.0))):
            syn = init_synset(d, 1, generator=torch.Generator().manual_seed(100), kind='HaBaSet', n_hallucinators=5)
            distill(syn, d, H.HaBa(n_experts=3, buffer_epochs=6, syn_steps=5, **kw).use_buffer(buf), steps=40, seed=0, progress=False)
            sim[name] = H.within_base_similarity(H.hallucination_similarity(syn, probe, torch.arange(10)), 5)
    finally: torch.set_num_threads(n)
    assert sim['sum'] < sim['none'] - 0.002, sim          # the default (authors' weight): lower, by a little
    assert sim['sum_cos1'] < sim['none'] - 0.05, sim      # ten times the weight: clearly lower
