"""MTT's expert buffer and options as a user meets them: a killed buffer build resumes to the same buffer, and
options out of range are refused before any expert is trained (from Python and from `dd-nb distill`)."""
import pytest
import torch


@pytest.fixture
def one_thread():
    n = torch.get_num_threads(); torch.set_num_threads(1)   # bit-reproducible CPU kernels
    yield
    torch.set_num_threads(n)


def test_killed_buffer_build_resumes_to_the_same_buffer(tmp_path, monkeypatch, one_thread):
    import dd_nb.mtt as M
    from dd_nb.data import load_dataset
    d = load_dataset('digits')
    kw = dict(n_experts=3, epochs=2, depth=2, progress=False, seed=3)
    whole = M.expert_buffer(d, root=tmp_path / 'a', **kw)
    real, calls = M.train_expert, []

    def dying(*a, **k):
        calls.append(1)
        if len(calls) == 2: raise KeyboardInterrupt   # a kill during the second expert
        return real(*a, **k)
    monkeypatch.setattr(M, 'train_expert', dying)
    with pytest.raises(KeyboardInterrupt): M.expert_buffer(d, root=tmp_path / 'b', **kw)
    parts = list((tmp_path / 'b' / 'cache' / 'experts').glob('*.parts'))
    assert len(parts) == 1 and [p.name for p in parts[0].iterdir()] == ['expert-0000.pt']
    monkeypatch.setattr(M, 'train_expert', real)
    again = M.expert_buffer(d, root=tmp_path / 'b', **kw)
    assert again.info['resumed_experts'] == 1 and not parts[0].exists()
    assert torch.equal(again.trajectories, whole.trajectories)
    assert again.info['expert_val_accuracies'] == whole.info['expert_val_accuracies']
    loaded = M.expert_buffer(d, root=tmp_path / 'b', **kw)              # and the finished file is a cache hit
    assert loaded.info['loaded'] and torch.equal(loaded.trajectories, whole.trajectories)


@pytest.mark.parametrize('opt, message', [('lr_init=0', 'lr_init must be a positive number, got 0.0'),
                                          ('min_lr=-1', 'min_lr must be a non-negative number, got -1.0'),
                                          ('batch_syn=0', 'batch_syn must be a positive integer or None, got 0'),
                                          ('hidden=0', 'hidden must be a positive integer, got 0'),
                                          ('padding=-1', 'padding must be a non-negative integer, got -1')])
def test_cli_refuses_bad_options_before_any_work(tmp_path, monkeypatch, opt, message):
    from dd_nb.cli import main
    monkeypatch.setenv('DD_NB_DATA', str(tmp_path))
    with pytest.raises((ValueError, SystemExit)) as e:
        main(['distill', 'haba', '--dataset', 'digits', '--steps', '1', '--quiet', '--out', str(tmp_path / 'run'), '--opt', opt])
    assert message in str(e.value)
    assert not (tmp_path / 'cache' / 'experts').exists()                 # no expert was trained
