#!/usr/bin/env python3
"""Writes src/webidl/lengths.ts from the spec IDL: each operation's and constructor's `length`
(WebIDL: the number of required arguments of its shortest overload).
Usage: python3 scripts/idl-lengths.py <idl dir> > src/webidl/lengths.ts"""
import re, sys, os, json

def strip(text):
    text = re.sub(r'//[^\n]*', '', text)
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    out, depth = [], 0
    for ch in text:  # drop extended attributes [ ... ], nesting aware
        if ch == '[': depth += 1; continue
        if ch == ']': depth -= 1; continue
        if depth == 0: out.append(ch)
    return ''.join(out)

def split_args(s):
    args, depth, cur = [], 0, ''
    for ch in s:
        if ch in '<({': depth += 1
        if ch in '>)}': depth -= 1
        if ch == ',' and depth == 0: args.append(cur.strip()); cur = ''
        else: cur += ch
    if cur.strip(): args.append(cur.strip())
    return args

def required(args):
    n = 0
    for a in args:
        if a.startswith('optional ') or '...' in a: break
        n += 1
    return n

lengths, includes = {}, []
for name in sorted(os.listdir(sys.argv[1])):
    if not name.endswith('.idl'): continue
    text = strip(open(os.path.join(sys.argv[1], name)).read())
    includes += re.findall(r'(\w+)\s+includes\s+(\w+)\s*;', text)
    for m in re.finditer(r'(?:partial\s+)?interface\s+(?:mixin\s+)?(\w+)[^{]*\{(.*?)\}\s*;', text, flags=re.S):
        iface, body = m.group(1), m.group(2)
        table = lengths.setdefault(iface, {})
        for member in body.split(';'):
            member = ' '.join(member.split())
            op = re.match(r'^(?:static\s+)?(?:.*?\s)?(\w+)\s*\((.*)\)$', member)
            if not op or member.startswith(('attribute ', 'readonly ', 'const ', 'stringifier', 'maplike', 'setlike', 'iterable', 'async ')):
                continue
            opname = op.group(1)
            n = required(split_args(op.group(2)))
            key = 'constructor' if opname == 'constructor' else opname
            table[key] = min(n, table.get(key, n))
for target, mixin in includes:
    for k, v in lengths.get(mixin, {}).items(): lengths.setdefault(target, {}).setdefault(k, v)
lengths = {k: v for k, v in sorted(lengths.items()) if v}
print('/**\n * Each operation\'s and constructor\'s `length` per the spec IDL (the required arguments of its\n * shortest overload), written by scripts/idl-lengths.py from the IDL the specs define.\n */')
print('export const IDL_LENGTHS: Readonly<Record<string, Readonly<Record<string, number>>>> = ' + json.dumps(lengths, indent=2) + ';')
