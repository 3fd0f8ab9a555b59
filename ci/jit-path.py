#!/usr/bin/env python3
# jit-path.py DIS [ADDR...]: the x86 instructions executed on one path of a
# JITed BPF program (objdump -D -b binary output, see ci/jit-dump.c), from
# offset 0 to the jump to the return thunk: every conditional jump falls
# through unless its offset (hex) is listed. Prints the count and the
# calls on the path. The stable hot program's common path with --dev on
# the 6.18 host: the probe-load guards (two "ja") and the final "je" of
# the --all-events test are taken.
import sys, re
lines = open(sys.argv[1]).read().splitlines()
taken = {int(a, 16) for a in sys.argv[2:]}
ins = {}
order = []
for l in lines:
    m = re.match(r'\s*([0-9a-f]+):\t([0-9a-f ]+)\t(.*)', l)
    if not m: continue
    a = int(m.group(1), 16); ins[a] = m.group(3).strip(); order.append(a)
nxt = {order[i]: order[i+1] for i in range(len(order)-1)}
pc, n, calls = 0, 0, 0
while True:
    t = ins[pc]; n += 1
    op = t.split()[0]
    if op == 'call': calls += 1
    if op == 'jmp':
        tgt = int(t.split()[1], 16)
        if tgt >= 0xffffffff00000000: break
        pc = tgt; continue
    if op.startswith('j') and (pc in taken):
        pc = int(t.split()[1], 16); continue
    pc = nxt[pc]
print(f"{n} insns, {calls} calls")
