"""Pretrain the embedded stand-in CLIP (`dd_nb.hello.STAND_IN_CONFIG`) contrastively on MNIST with varied captions.

The result ships inside the package (dd_nb/weights/clip_mnist.safetensors, fp16) and is what
`dd_nb.hello.stand_in_clip(pretrained=True)` loads: a small CLIP whose text-initialized head really classifies
digits zero-shot. MNIST is 28x28; the target of the HeLlO notebook is scikit-learn's 8x8 digits, so the projector's
LoRA has a real pretrained-vs-target gap to bridge. The digits data is never seen here.

    python benchmarks/pretrain_clip_mnist.py --root /path/with/MNIST/raw   # resumable: rerun to continue

Progress bar (tqdm / line progress), a checkpoint after every epoch (model, optimizer, step, RNG) in --ckpt, and
the final fp16 weights + a JSON card (config, data, steps, zero-shot accuracies) written atomically.
"""
import argparse, json, math, os, time
from pathlib import Path
import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from dd_nb.core import progress_bar, atomic_write
from dd_nb.data import load_dataset
from dd_nb.hello import STAND_IN_CONFIG, OPENAI_MEAN, OPENAI_STD, DIGIT_NAMES, PROMPTS, stand_in_clip, text_head, WEIGHTS_DIR

# captions seen in pretraining: numerals and words in varied templates (the notebook's zero-shot prompts are PROMPTS)
CAPTIONS = ('a photo of the digit {}.', 'a handwritten {}.', 'the number {}.', 'a scan of a handwritten {}.', '{}',
            'an image of the number {}.', 'a picture of a {}.', 'a black and white photo of the digit {}.',
            'someone wrote the number {}.', 'a drawing of a {}.')


def to_clip(px, size):
    "Pixels (N, 1, H, W) in [0, 1] -> CLIP input: 3 channels, size x size, CLIP-normalized (as CLIPProjector.preprocess)."
    px = F.interpolate(px, size=(size, size), mode='bilinear', align_corners=False).expand(-1, 3, -1, -1)
    return (px - torch.tensor(OPENAI_MEAN).view(1, 3, 1, 1)) / torch.tensor(OPENAI_STD).view(1, 3, 1, 1)


@torch.no_grad()
def zero_shot(bundle, x, y, classes, batch=2048):
    W = text_head(bundle, classes, PROMPTS)
    pred = torch.cat([(F.normalize(bundle.model.encode_image(to_clip(x[i:i + batch], bundle.image_size)), dim=-1) @ W.T).argmax(-1)
                      for i in range(0, len(x), batch)])
    return 100 * float((pred == y).float().mean())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--root', default=os.environ.get('DD_NB_DATA'), help='data root holding MNIST/raw (writable: torchvision unpacks there)')
    ap.add_argument('--epochs', type=int, default=4)
    ap.add_argument('--batch', type=int, default=256)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--ckpt', default='/tmp/clip_mnist_ckpt.pt')
    ap.add_argument('--out', default=str(WEIGHTS_DIR / 'clip_mnist.safetensors'))
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get('OMP_NUM_THREADS', 2)))
    mnist = load_dataset('mnist', root=a.root)
    x, y = mnist.denorm(mnist.x_train), mnist.y_train               # pixels in [0, 1]
    xv, yv = mnist.denorm(mnist.x_val), mnist.y_val
    bundle = stand_in_clip(seed=a.seed, pretrained=False)
    model, tok = bundle.model.train(), bundle.tokenizer
    names = [[DIGIT_NAMES[c], str(c)] for c in range(10)]
    # every caption variant tokenized once: (class, template, spelling) -> tokens
    variants = torch.stack([torch.stack([torch.cat([tok([t.format(n)]) for n in names[c]]) for t in CAPTIONS]) for c in range(10)])
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=0.1)
    per_epoch = len(y) // a.batch; total = a.epochs * per_epoch
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, a.lr, total_steps=total, pct_start=0.05)
    g = torch.Generator().manual_seed(a.seed); step = 0
    if Path(a.ckpt).exists():
        ck = torch.load(a.ckpt, weights_only=False)
        model.load_state_dict(ck['model']); opt.load_state_dict(ck['opt']); sched.load_state_dict(ck['sched'])
        g.set_state(ck['rng']); step = ck['step']; print(f'resumed at step {step}/{total}')
    bar = progress_bar(total, 'clip-mnist', initial=step)
    t0 = time.time()
    while step < total:
        perm = torch.randperm(len(y), generator=g)
        for i in range(per_epoch):
            idx = perm[i * a.batch:(i + 1) * a.batch]
            t_i = torch.randint(0, len(CAPTIONS), (len(idx),), generator=g); s_i = torch.randint(0, 2, (len(idx),), generator=g)
            img = model.encode_image(to_clip(x[idx], bundle.image_size), normalize=True)
            txt = model.encode_text(variants[y[idx], t_i, s_i], normalize=True)
            logits = model.logit_scale.exp().clamp(max=100) * img @ txt.T
            # same-class captions are not negatives: targets spread over every caption of the image's class (10 classes)
            same = (y[idx][:, None] == y[idx][None, :]).float()
            tgt = same / same.sum(1, keepdim=True)
            loss = (F.cross_entropy(logits, tgt) + F.cross_entropy(logits.T, tgt)) / 2
            opt.zero_grad(set_to_none=True); loss.backward(); opt.step(); sched.step(); step += 1
            bar.update(1); bar.set_postfix(loss=f'{float(loss):.3f}')
            if step % per_epoch == 0 or step == total: break
        model.eval(); acc = zero_shot(bundle, xv, yv, mnist.classes); model.train()
        print(f'step {step}/{total}: loss {float(loss):.3f}, zero-shot MNIST val {acc:.1f} %, {time.time() - t0:.0f} s', flush=True)
        atomic_write(a.ckpt, lambda tmp: torch.save(dict(model=model.state_dict(), opt=opt.state_dict(), sched=sched.state_dict(),
                                                         rng=g.get_state(), step=step), tmp))
    bar.close(); model.eval()
    acc_val = zero_shot(bundle, xv, yv, mnist.classes); acc_test = zero_shot(bundle, mnist.denorm(mnist.x_test), mnist.y_test, mnist.classes)
    card = dict(config=STAND_IN_CONFIG, data='MNIST train split of dd_nb.data.load_dataset (54,000 images; digits never seen)',
                captions=list(CAPTIONS), epochs=a.epochs, batch=a.batch, lr=a.lr, seed=a.seed, steps=step,
                zero_shot_mnist_val=acc_val, zero_shot_mnist_test=acc_test, dtype='float16', seconds_last_session=time.time() - t0,
                threads=torch.get_num_threads(), note='CPU shared with other jobs')
    sd = {k: v.detach().half().contiguous() for k, v in model.state_dict().items()}
    out = Path(a.out); out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, lambda tmp: save_file(sd, tmp, metadata={'dd_nb': json.dumps(card)}))
    atomic_write(out.with_suffix('.json'), lambda tmp: Path(tmp).write_text(json.dumps(card, indent=1)))
    print(json.dumps(card, indent=1)); print('wrote', out, f'{out.stat().st_size / 2**20:.1f} MiB')


if __name__ == '__main__':
    main()
