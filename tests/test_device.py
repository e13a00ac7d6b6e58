"""Device placement: the whole pipeline with an explicit `device='cpu'`, the device errors a user can hit, a checkpoint
written on a GPU resuming on a CPU-only machine, and (only where a GPU exists) CUDA agreeing with the CPU."""
from unittest import mock
import pytest
import torch
import dd_nb  # registers every method
from dd_nb.data import load_dataset
from dd_nb.synset import init_synset, load_synset
from dd_nb.distill import distill
from dd_nb.train import evaluate, random_baseline

cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason='no CUDA device on this machine')


def test_pipeline_with_explicit_cpu(tmp_path):
    d = load_dataset('digits').to('cpu')
    syn = init_synset(d, 1, generator=torch.Generator().manual_seed(0))
    run = distill(syn, d, 'datadam', steps=5, batch_real=16, seed=0, progress=False, checkpoint=tmp_path / 'ck.pt')
    assert run.config['device'] == 'cpu' and syn.images.device.type == 'cpu'
    res = evaluate(syn, d, n_models=1, epochs=3)
    assert res.protocol['device'] == 'cpu'
    back = load_synset(syn.save(tmp_path / 's.safetensors'), d)
    assert back.images.device == d.device and torch.equal(back.images.detach(), syn.images.detach())


def test_device_errors_before_any_work(tmp_path):
    from dd_nb.cli import main
    with pytest.raises(ValueError) as e:
        main(['distill', 'dm', '--device', 'cuda:99', '--out', str(tmp_path / 'x')])
    assert ("device 'cuda:99' is not available: this machine has no CUDA device" in str(e.value)
            or "device 'cuda:99' does not exist: this machine has" in str(e.value)), str(e.value)
    with mock.patch('torch.cuda.is_available', return_value=True), mock.patch('torch.cuda.device_count', return_value=1):
        with pytest.raises(ValueError, match=r"device 'cuda:3' does not exist: this machine has 1 CUDA device\(s\): cuda:0"):
            main(['evaluate', str(tmp_path / 'nothing'), '--device', 'cuda:3'])
    with pytest.raises(ValueError, match="unknown device 'gpu'; choose one of: auto, cpu, cuda, cuda:N"):
        main(['prune', '--device', 'gpu', '--out', str(tmp_path / 'y')])
    assert not (tmp_path / 'x').exists() and not (tmp_path / 'y').exists()


def test_gpu_written_checkpoint_resumes_on_cpu(tmp_path):
    "The storages of a checkpoint written on a GPU carry a 'cuda:0' tag; simulated by tagging a CPU checkpoint so."
    d = load_dataset('digits')
    fresh = lambda: init_synset(d, 1, generator=torch.Generator().manual_seed(0))
    ck = tmp_path / 'ck.pt'
    straight = distill(fresh(), d, 'dm', steps=6, batch_real=8, seed=0, progress=False)
    distill(fresh(), d, 'dm', steps=3, batch_real=8, seed=0, checkpoint=ck, checkpoint_every=3, progress=False)
    state = torch.load(ck, weights_only=False)
    with mock.patch('torch.serialization.location_tag', return_value='cuda:0'):
        torch.save(state, ck)
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match='CUDA'):
            torch.load(ck, weights_only=False)                 # a plain load fails: the file says "GPU"
    resumed = distill(fresh(), d, 'dm', steps=6, batch_real=8, seed=0, checkpoint=ck, checkpoint_every=3, progress=False)
    assert resumed.losses() == straight.losses()
    assert torch.allclose(resumed.synset.images, straight.synset.images, atol=1e-6)


@cuda
def test_cuda_agrees_with_cpu():
    """Same seed on both devices: identical random draws, float rounding apart. Tolerance: distilled pixels (normalized
    units) within 1e-3 after 20 DM steps; mean accuracy of 3 models x 30 epochs within 5 points."""
    images, accs = {}, {}
    for dev in ('cpu', 'cuda'):
        d = load_dataset('digits').to(dev)
        syn = init_synset(d, 1, generator=torch.Generator().manual_seed(0))
        run = distill(syn, d, 'dm', steps=20, batch_real=32, seed=0, progress=False)
        assert run.config['device'].startswith(dev)
        images[dev] = syn.images.detach().cpu()
        accs[dev] = evaluate(syn, d, n_models=3, epochs=30, seed=0).mean
    assert (images['cpu'] - images['cuda']).abs().max() < 1e-3
    assert abs(accs['cpu'] - accs['cuda']) < 5, accs


@cuda
def test_cuda_datadam_pool_and_baseline():
    d = load_dataset('digits').to('cuda')
    syn = init_synset(d, 1, generator=torch.Generator().manual_seed(0))
    distill(syn, d, 'datadam', steps=5, pool=3, pool_real=16, progress=False)
    assert syn.images.is_cuda
    r = random_baseline(d, 1, seeds=(0,), n_models=2, epochs=5)
    assert r.protocol['device'].startswith('cuda') and r.protocol['vectorized']
