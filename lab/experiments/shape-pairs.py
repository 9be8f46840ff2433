#!/usr/bin/env python3
"""For JobEvidence output of image+audio (per-job-judge-evidence.patch): the (image shape, audio shape)
pairs of the jobs whose shapes disagree, and the audio's 3rd-harmonic amplitude beside open-shape jobs
whose image is a triangle (a triangle tone's is 1/9 ≈ 0.111, a sine's 0; the judge's boundary is near
0.056).  Usage: shape-pairs.py FILE..."""
import collections, re, sys

for name in sys.argv[1:]:
    pairs, third = collections.Counter(), []
    for job in re.split(r'\njob ', open(name).read())[1:]:
        image = re.search(r'image\[\w+ (\w+)', job).group(1)
        audio = re.search(r'audio\[\w+ (\w+)', job).group(1)
        if 'SHAPE=false' in job:
            pairs[(image, audio)] += 1
        if image == 'TRIANGLE' and 'SHAPE=' in job:
            third.append(float(re.search(r'harmonics=\[([^\]]*)\]', job).group(1).split(',')[1]))
    faint = sorted(h for h in third if h < 0.056)
    print(name, 'disagreements (image, audio):', dict(pairs.most_common()))
    print('   triangle images with the shape open: %d, audio 3rd harmonic < 0.056: %d %s' % (len(third), len(faint), faint))
