#!/usr/bin/env python3
"""Tallies the output of JobEvidence (per-job-judge-evidence.patch): agreement per open attribute,
"specified right", and images whose two best shape templates are within 0.03 IoU (near-ties),
split by whether the prompt left the shape open.  Usage: job-evidence-tally.py FILE..."""
import re
import sys
from collections import defaultdict

for path in sys.argv[1:]:
    jobs = open(path).read().split('job ')[1:]
    agree = defaultdict(lambda: [0, 0])
    right = total = 0
    missed = defaultdict(lambda: [0, 0])   # per output and named attribute: wrong, named
    ties = {'open': [0, 0], 'named': [0, 0]}
    disagreeing_ties = [0, 0]   # shape disagreements, and how many of them have a near-tie image
    for job in jobs:
        prompt = re.search(r"prompt=\((\S+) (\S+) (\S+)\)", job).groups()
        found = re.search(r"agree=\{(.*)\}", job).group(1)
        for pair in filter(None, found.split(', ')):
            attribute, value = pair.split('=')
            agree[attribute][0] += value == 'true'
            agree[attribute][1] += 1
        for output, values in re.findall(r"(image|audio|video)\[(\w+ \w+(?: \w+)?)", job):
            read = values.split()
            for i, named in enumerate(prompt):
                if named != '?' and i < len(read):
                    ok = read[i].lower() == named.lower()
                    total += 1
                    right += ok
                    key = output + '.' + ('color', 'shape', 'motion')[i]
                    missed[key][0] += not ok
                    missed[key][1] += 1
        for scores in [s for s in re.findall(r"iou=\{([^}]*)\}", job) if s][:1]:
            best = sorted((float(s.split('=')[1]) for s in scores.split(', ')), reverse=True)
            kind = 'open' if prompt[1] == '?' else 'named'
            ties[kind][0] += best[0] - best[1] < 0.03
            ties[kind][1] += 1
            if 'SHAPE=false' in found:
                disagreeing_ties[0] += best[0] - best[1] < 0.03
                disagreeing_ties[1] += 1
    print(path, ' '.join('%s %d/%d=%.1f%%' % (a, n, t, 100 * n / t) for a, (n, t) in agree.items()),
          'SPEC %d/%d=%.1f%%' % (right, total, 100 * right / total),
          ' '.join('image near-ties (shape %s) %d/%d' % (k, n, t) for k, (n, t) in ties.items() if t),
          'near-tie images among shape disagreements %d/%d' % tuple(disagreeing_ties))
    print('   named attributes wrong:', ' '.join('%s %d/%d' % (k, w, n) for k, (w, n) in sorted(missed.items())))
