#!/usr/bin/env python3
"""Seeds a training directory with one finished checkpoint per stage, each holding a bundle's
weights and a state.json rebuilt from its manifest, so `train stage X --extend-to N --dir D` and
`train joint --dir D` can continue a committed bundle whose checkpoints are gone.
Usage: seed-checkpoints.py BUNDLE DIR [LAST_STAGE]"""
import json, pathlib, shutil, sys

bundle, target = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
last = sys.argv[3] if len(sys.argv) > 3 else 'joint-text-audio'
m = json.loads((bundle / 'manifest.json').read_text())
tr = m['training']; config = tr['config']
stages = list(tr['stageSeeds'])  # every stage, in the order the trainer runs them
def camel(s):
    p = s.split('-'); return p[0] + ''.join(w.capitalize() for w in p[1:])
def steps(stage):
    if stage.startswith('joint-'):
        return config['stageTwo'][camel(stage.removeprefix('joint-'))]['steps']
    return config[camel(stage)]['steps']
losses, seconds = {}, {}
for stage in stages[:stages.index(last) + 1]:
    losses[stage] = tr['stageLosses'][stage]; seconds[stage] = tr['stageSeconds'][stage]
    n = steps(stage)
    d = target / stage / ('step-%06d' % n)
    d.mkdir(parents=True, exist_ok=True)
    for f in bundle.glob('*.params'):
        shutil.copyfile(f, d / f.name)
    state = dict(stage=stage, step=n, steps=n, done=True, seed=tr['stageSeeds'][stage], config=config,
                 latentScales=m['latentScales'], losses=dict(losses), seconds=dict(seconds),
                 skippedSteps=tr.get('skippedNonFiniteSteps', 0), segmentStart=0)
    (d / 'state.json').write_text(json.dumps(state, indent=2))
    print(d)
