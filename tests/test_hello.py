"""HeLlO (dd_nb.hello) as users import it, for what the notebook's own cells do not cover: the shipped stand-in
weights, a projector travelling inside a saved synthetic set, stored-label replay errors, and import cost."""
import subprocess, sys
from pathlib import Path
import pytest
import torch

from dd_nb.data import load_dataset
from dd_nb.synset import init_synset, load_synset, dataset_meta
from dd_nb.hello import WEIGHTS_DIR, CLIPProjector, stand_in_clip
from dd_nb.labels import StoredLabels, with_labels, soft_label_bytes


@pytest.fixture(scope='module')
def digits():
    return load_dataset('digits')


def test_shipped_weights_small_and_loadable():
    f = WEIGHTS_DIR / 'clip_mnist.safetensors'
    assert f.is_file() and f.stat().st_size <= 10 * 2**20, f
    assert (WEIGHTS_DIR / 'clip_mnist.json').is_file()
    clip = stand_in_clip()
    assert 'MNIST' in clip.name and clip.dim == 64


def test_projector_inside_saved_synset(digits, tmp_path):
    clip = stand_in_clip()
    proj = CLIPProjector(clip, digits.classes)
    with torch.no_grad():                                   # non-zero LoRA weights, so that a reload that dropped them would show
        for n, p in proj.named_parameters():
            if 'lora_B' in n: p.normal_(0, 0.05)
    syn = with_labels(init_synset(digits, 2, generator=torch.Generator().manual_seed(0)), proj)
    assert syn.label_kind == 'online' and syn.storage()['labeler'] == proj.storage_bytes()
    path = syn.save(tmp_path / 'syn.safetensors')
    with pytest.raises(ValueError, match='pass labeler='): load_synset(path, digits)
    back = load_synset(path, digits, labeler=CLIPProjector(clip, digits.classes))
    with torch.no_grad(): assert torch.equal(back.labeler(digits.x_val), proj.bind(dataset_meta(digits))(digits.x_val))
    # the file holds the images and the LoRA matrices only, not the CLIP tower
    n_lora = sum(v.numel() for v in proj.stored_state().values())
    assert path.stat().st_size < (n_lora + syn.images.numel()) * 4 + 20_000


def test_stored_labels_replay_checks(digits):
    teacher = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 10))
    st = StoredLabels(teacher, 'fp16').bind(dataset_meta(digits))
    x = digits.x_val[:7]
    with torch.no_grad(): a = st(x)
    assert st.storage_bytes() == soft_label_bytes(7, 10, epochs=1, bytes_per_value=2)
    st.start_replay()
    with torch.no_grad():
        assert torch.equal(st(x), a)
        with pytest.raises(RuntimeError, match='more batches than were stored'): st(x)
    st.start_replay()
    with pytest.raises(RuntimeError, match='differs from the recorded'): st(x + 1)
    with pytest.raises(ValueError, match='label store'): StoredLabels(teacher, 'int8')


def test_import_does_not_load_open_clip():
    "Importing dd_nb.hello stays cheap: open_clip and peft load only when a CLIP or a projector is built."
    code = 'import sys, dd_nb.hello; print("open_clip" in sys.modules, "peft" in sys.modules)'
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ['False', 'False'], out


def test_rn50_lora_every_parameter_gets_a_gradient(digits, tmp_path):
    "Issue 25: LoRA on open_clip's ModifiedResNet (RN50, random init, no weights): every LoRA matrix gets a gradient, only they are stored."
    import re
    import open_clip
    from dd_nb.hello import CLIPBundle, RESNET_TARGETS, lora_grads, save_projector
    model = open_clip.create_model('RN50', pretrained=None, force_image_size=64).eval()   # the RN50 tower at 64 px: same layers, less compute
    clip = CLIPBundle(model, open_clip.get_tokenizer('RN50'), 64, name='RN50 (random init)')
    meta, x, one = dataset_meta(digits), digits.x_train[:2], dict(templates=('{}',))
    # open_clip zero-initializes each bottleneck's last batch norm: the branch is silent, its LoRA gets no gradient (and we say so)
    with pytest.warns(UserWarning, match=r'LoRA in 16 residual branches \(layer1\.0, \.\.\.\) receives no gradient'):
        silent = CLIPProjector(clip, digits.classes, rank=2, targets=RESNET_TARGETS, **one).bind(meta)
    g = lora_grads(silent, x)
    assert all(v == 0 for n, v in g.items() if '.layer1.0.conv' in n) and g[next(n for n in g if '.visual.conv1.' in n)] > 0
    with torch.no_grad():                     # a trained tower's batch norms are not zero: set them as one would have them
        for n, p in model.visual.named_parameters():
            if n.endswith('bn3.weight'): p.fill_(1.0)
    proj = CLIPProjector(clip, digits.classes, rank=2, head_rank=2, targets=RESNET_TARGETS, **one).bind(meta)
    assert proj.silenced == []
    convs = {n: m for n, m in model.visual.named_modules() if isinstance(m, torch.nn.Conv2d)}
    assert len(convs) == 55 and all(re.fullmatch(RESNET_TARGETS, f'visual.{n}') for n in convs)
    g = lora_grads(proj, x)
    assert len(g) == 2 * (55 + 1) and all('lora_' in n for n in g)        # A and B of every convolution and of the head
    zero = [n for n, v in g.items() if not v > 0]
    assert zero == [], zero[:5]
    # only the LoRA matrices are stored: r x in x k x k (A) + out x r (B) per convolution, r x (in + out) for the head
    want = sum(2 * m.in_channels * m.kernel_size[0] * m.kernel_size[1] + m.out_channels * 2 for m in convs.values()) + 2 * (1024 + 10)
    assert proj.n_stored() == want and all('lora_' in k for k in proj.stored_state())
    f = save_projector(proj, tmp_path / 'rn50') / 'adapter_model.safetensors'
    assert f.stat().st_size < want * 4 + 50_000 < sum(p.numel() for p in model.visual.parameters()) * 4 / 10


def test_weak_teacher_targets_are_one_checkpoints_stored_labels(digits, tmp_path, monkeypatch):
    "Issue 25: fitting to weak teachers uses, at each step, exactly the labels one checkpoint gives (what its students would store)."
    from dd_nb.nets import make_net
    from dd_nb.synset import as_labeler
    from dd_nb.hello import fit_target
    from dd_nb.labels import WeakTeachers, cached_weak_teachers, cached_teacher
    meta, x = dataset_meta(digits), digits.x_train[:16]
    nets = [make_net('convnet', digits, torch.Generator().manual_seed(s)).eval() for s in range(3)]
    wt = as_labeler(WeakTeachers(nets)).bind(meta)
    for step in range(1, 7):
        t, k = fit_target(wt, x, step)
        assert k == (step - 1) % 3
        st = StoredLabels(nets[k], 'fp32').bind(meta)
        with torch.no_grad(): stored = st(x)
        st.start_replay()
        with torch.no_grad(): assert torch.equal(t, st(x).softmax(-1)) and torch.equal(t, stored.softmax(-1))
    with torch.no_grad(): assert not torch.allclose(fit_target(wt, x, 1)[0], wt(x).softmax(-1))   # a checkpoint's labels, not their mean
    t, k = fit_target(as_labeler(nets[0]).bind(meta), x, 5)
    assert k is None and torch.equal(t, nets[0](x).softmax(-1).detach())
    # the weak teachers come from the cached teacher's own run: its last checkpoint is that teacher, weight for weight
    monkeypatch.setenv('DD_NB_DATA', str(tmp_path))
    weak, info = cached_weak_teachers(digits, epochs=2, checkpoints=(1,))
    final, _ = cached_teacher(digits, epochs=2)
    assert info['epochs'] == [1, 2] and len(weak.models) == 2
    assert all(torch.equal(a, b) for a, b in zip(weak.models[-1].state_dict().values(), final.state_dict().values()))
    again, info2 = cached_weak_teachers(digits, epochs=2, checkpoints=(1,))
    assert info2['cache'].startswith('hit') and all(torch.equal(a, b) for a, b in zip(again.state_dict().values(), weak.state_dict().values()))
