import sys, collections
from datetime import date, datetime
from dataclasses import replace
sys.path.insert(0, '.')
import advance
from config import GeneratorConfig
from contract import schema
from generators import engine
X, Y = date(2026, 11, 1), date(2026, 12, 1)
n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
only = sys.argv[2].split(',') if len(sys.argv) > 2 and sys.argv[2] else None
base = GeneratorConfig(num_patients=n, num_appointments=3*n, num_procedures=round(3*n*2.6), seed=42, as_of=X, paced_by=X)
plan = advance.prepare(base, replace(base, as_of=Y))
XT = datetime(X.year, X.month, X.day)
def hist(row):
    for v in row:
        if isinstance(v, datetime):
            if v >= XT: return False
        elif isinstance(v, date):
            if v >= X: return False
    return True
def pairs():
    for t in plan.before.ctx.sinks.tables():
        yield t, plan.before.ctx.sinks.rows(t), plan.after.ctx.sinks.rows(t)
    for i in range(len(plan.before.chunks)):
        b = engine.chunk_rows(plan.before, i); a = engine.chunk_rows(plan.after, i)
        for t in set(a) | set(b):
            yield t, b.get(t, []), a.get(t, [])
stats = collections.defaultdict(collections.Counter); nh = collections.Counter(); nup = collections.Counter(); ex = {}; gone = collections.Counter(); ins = collections.Counter()
for t, b, a in pairs():
    if only and t not in only: continue
    key = advance._keyer(t); new = {key(r): r for r in a}; tab = schema.table(t)
    for o in b:
        r = new.pop(key(o), None)
        if r is None:
            gone[t] += 1; continue
        if o != r:
            nup[t] += 1
            if hist(o):
                nh[t] += 1
                for c, (x, y) in zip(tab.columns, zip(o, r)):
                    if x != y:
                        stats[t][c.name] += 1
                        ex.setdefault((t, c.name), (x, y, key(o)))
    ins[t] += len(new)
print("total updated", sum(nup.values()), "history updated", sum(nh.values()), "deleted", sum(gone.values()), "inserted", sum(ins.values()))
for t, k in nh.most_common():
    print(f"{t} hist={k} upd={nup[t]} del={gone[t]} ins={ins[t]}: " + ", ".join(f"{c}={m}" for c, m in stats[t].most_common(6)))
    if only:
        for c, _ in stats[t].most_common(8): print("   ", c, ex[(t, c)])
