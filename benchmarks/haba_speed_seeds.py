"""The speed change checked for its result: `dd-nb distill haba --dataset digits --ipc 1` with the expert buffer the
run used before (10 experts x 15 epochs) and after (10 experts x 3 epochs: the student only ever reads epochs 0 to
max_start_epoch - 1 + expert_epochs = 3), for distillation seeds 0, 1, 2. Each run's set is scored on the
validation split (where the choice is made) and, by the command itself, on the test split (to report), with the
command's random baseline at equal bytes. One row per (label, seed) in results/haba_speed_seeds.jsonl (resumable).

    python benchmarks/haba_speed_seeds.py --labels before after --seeds 0 1 2

Uses the data root's cache (a buffer built once per label is reused by the next seeds), so the seconds here are not
the fresh-install main job's: `haba_speed_profile.py` times that."""
import argparse, json, os, tempfile, time
from pathlib import Path
import torch
from dd_nb.results import find_results_dir, describe_machine
from dd_nb.cli import main as cli
from dd_nb.data import load_dataset
from dd_nb.synset import load_synset
from dd_nb.train import evaluate

OUT = find_results_dir(Path(__file__).parent) / 'haba_speed_seeds.jsonl'
LABELS = {'before': ['buffer_epochs=15'], 'after': ['buffer_epochs=3']}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--labels', nargs='+', default=list(LABELS)); ap.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    ap.add_argument('--threads', type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    done = {(r['label'], r['seed']) for r in map(json.loads, OUT.read_text().splitlines())} if OUT.exists() else set()
    d = load_dataset('digits')
    for seed in a.seeds:
        for label in a.labels:
            if (label, seed) in done: continue
            with tempfile.TemporaryDirectory() as tmp:
                t0 = time.time()
                m = cli(['distill', 'haba', '--dataset', 'digits', '--ipc', '1', '--seed', str(seed), '--out', f'{tmp}/run', '--quiet']
                        + sum((['--opt', o] for o in LABELS[label]), []))
                wall = time.time() - t0
                val = evaluate(load_synset(f'{tmp}/run/state.safetensors', d), d, n_models=5, seed=seed, split='val')
            row = dict(label=label, seed=seed, opts=LABELS[label], test_mean=m['accuracy_mean'], test_std=m['accuracy_std'],
                       test_accuracies=m['accuracies'], random_mean=m['random_mean'], random_std=m['random_std'], random_ipc=m['random_ipc'],
                       val_mean=val.mean, val_std=val.std, val_accuracies=val.accuracies, bytes=m['bytes_total'],
                       distill_seconds=m['distill_seconds'], command_seconds=wall, buffer=m['protocol']['distill']['objective_config'].get('buffer_epochs'),
                       threads=a.threads, machine=describe_machine(), load_average_1min=round(os.getloadavg()[0], 2),
                       note='measured with other jobs running on the shared 2-core machine; the buffer comes from the data root cache after the first seed')
            with OUT.open('a') as f: f.write(json.dumps(row) + '\n')
            print(f"{label} seed {seed}: test {row['test_mean']:.1f} ± {row['test_std']:.1f}, val {row['val_mean']:.1f} ± {row['val_std']:.1f}, "
                  f"random {row['random_mean']:.1f}; distill {row['distill_seconds']:.0f} s", flush=True)


if __name__ == '__main__': main()
