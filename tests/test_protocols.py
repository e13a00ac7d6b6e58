"""Every augmenter a named protocol can choose goes through `evaluate`, also when a process trains only some models."""
import torch
from dd_nb.data import load_dataset
from dd_nb.augment import DCAugment, DSA
from dd_nb.train import evaluate, random_subset


def test_protocol_augmenters_through_evaluate():
    d = load_dataset('digits')
    s = random_subset(d, 1, torch.Generator().manual_seed(0))
    for aug in (DCAugment('crop_scale_rotate'), DCAugment('scale'), DSA(op_per='batch')):
        full = evaluate(s, d, n_models=2, epochs=3, dsa=aug)
        part = evaluate(s, d, n_models=2, epochs=3, dsa=aug, only=[1])      # what rank 1 of 2 computes
        assert len(full.accuracies) == 2 and len(part.accuracies) == 1 and full.protocol['dsa'] == repr(aug)
        if not {'crop', 'rotate'} & set(getattr(aug, 'ops', ())) or isinstance(aug, DSA):
            assert part.accuracies == full.accuracies[1:]   # the same draws; DC's crop/rotate fill with the batch mean, which differs
    r = evaluate(s, d, n_models=1, epochs=2, protocol='dc')                  # digits: DC uses no augmentation
    assert r.protocol['dsa'] == 'none' and r.protocol['epochs_trained'] == 3
