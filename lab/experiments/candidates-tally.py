#!/usr/bin/env python3
"""Best of K joint candidates by the model's own scores, from JobCandidates output (sampler-variants-s11.patch):
for k = 1..K and each score (pair: mean cosine between the outputs' readings; prompt: their cosine with the
conditioning; sum; min; oracle: the judge's own pick), agreement per open attribute and "specified right".
Usage: candidates-tally.py FILE..."""
import re, sys
from collections import defaultdict
def parse(path):
    jobs=[]
    for block in open(path).read().split('job ')[1:]:
        prompt=re.search(r"prompt=\((\S+) (\S+) (\S+)\)",block).groups()
        cands=[]
        for c in block.split('\n  cand ')[1:]:
            pair=float(re.search(r"pair=([-\d.]+)",c).group(1)); pr=float(re.search(r"prompt=([-\d.]+)",c).group(1))
            each={m:float(v) for m,v in re.findall(r" (image|audio|video)=([-\d.]+)",c.split('\n')[0])}
            agree={a:v=='true' for a,v in re.findall(r"(\w+)=(true|false)",re.search(r"agree=\{(.*)\}",c).group(1))}
            right=tot=0
            for out,vals in re.findall(r"(image|audio|video)\[(\w+ \w+(?: \w+)?)",c):
                read=vals.split()
                for i,named in enumerate(prompt):
                    if named!='?' and i<len(read):
                        tot+=1; right+=read[i].lower()==named.lower()
            cands.append(dict(pair=pair,prompt=pr,each=each,agree=agree,right=right,tot=tot))
        jobs.append(cands)
    return jobs
def evaluate(jobs,K,score):
    agree=defaultdict(lambda:[0,0]); right=tot=0
    for cands in jobs:
        pool=cands[:K]; best=max(range(len(pool)),key=lambda i:score(pool[i]))
        c=pool[best]
        for a,v in c['agree'].items(): agree[a][0]+=v; agree[a][1]+=1
        right+=c['right']; tot+=c['tot']
    rows={a:100*n/t for a,(n,t) in agree.items()}
    return rows,100*right/tot
scores={'pair':lambda c:c['pair'],'prompt':lambda c:c['prompt'],'sum':lambda c:c['pair']+c['prompt'],
        'min':lambda c:c['pair']+min(c['each'].values()),'oracle':None}
for path in sys.argv[1:]:
    jobs=parse(path); K=len(jobs[0])
    print(path)
    for k in range(1,K+1):
        for name,s in scores.items():
            if k==1 and name!='pair': continue
            if name=='oracle':
                s=lambda c:sum(c['agree'].values())+c['right']-c['tot']
            rows,spec=evaluate(jobs,k,s)
            print('  K=%d %-7s %s spec %.1f'%(k,name,' '.join('%s %.1f'%(a,v) for a,v in sorted(rows.items())),spec))
