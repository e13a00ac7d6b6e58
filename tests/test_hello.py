"""HeLlO (dd_nb.hello) as users import it, for what the notebook's own cells do not cover: the shipped stand-in
weights, a projector travelling inside a saved synthetic set, stored-label replay errors, and import cost."""
import subprocess, sys
from pathlib import Path
import pytest
import torch

from dd_nb.data import load_dataset
from dd_nb.synset import init_synset, load_synset, dataset_meta
from dd_nb.hello import (WEIGHTS_DIR, CLIPProjector, StoredLabels, stand_in_clip, with_labels, soft_label_bytes)


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
