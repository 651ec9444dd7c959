#!/usr/bin/env python3
"""Turns a `redis-cli monitor` capture into a replay file (one JSON array of strings per line).

Keeps the commands clients sent (not those scripts ran), drops the capture's own and the connection set-up, and
names the two routing scripts by role (@ROUTER@, @SLA@) instead of by SHA, so that a replay can load other versions
of them. The scripts given must be those the captured server ran (their SHA-1 is what EVALSHA names).

    python3 monitor_to_replay.py capture.mon lifecycles.jsonl router.lua sla.lua
"""
import hashlib
import json
import re
import sys

LINE = re.compile(r'^\d+\.\d+ \[\d+ ([^\]]+)\] (.*)$')
ESCAPES = {'n': b'\n', 'r': b'\r', 't': b'\t', 'a': b'\a', 'b': b'\b', '"': b'"', '\\': b'\\'}
SKIPPED = {b'MONITOR', b'HELLO', b'INFO', b'CONFIG', b'SUBSCRIBE', b'CLIENT', b'SCRIPT'}


def arguments(text):
    """MONITOR prints each argument quoted, with C-style escapes."""
    out, i = [], 0
    while i < len(text):
        if text[i] == ' ':
            i += 1
            continue
        i += 1  # opening quote
        buf = bytearray()
        while text[i] != '"':
            if text[i] == '\\':
                if text[i + 1] == 'x':
                    buf.append(int(text[i + 2:i + 4], 16))
                    i += 4
                else:
                    buf += ESCAPES[text[i + 1]]
                    i += 2
            else:
                buf += text[i].encode('utf-8', 'surrogateescape')
                i += 1
        out.append(bytes(buf))
        i += 1
    return out


def main(capture, output, router, sla):
    roles = {hashlib.sha1(open(path, 'rb').read()).hexdigest().encode(): role
             for path, role in ((router, b'@ROUTER@'), (sla, b'@SLA@'))}
    loaded = set()  # scripts sent once in full: an EVALSHA before that failed (NOSCRIPT) and was sent again as EVAL
    kept = 0
    with open(capture, encoding='utf-8', errors='surrogateescape') as lines, open(output, 'w') as out:
        for line in lines:
            m = LINE.match(line.rstrip('\n'))
            if not m or m.group(1) == 'lua':
                continue
            args = arguments(m.group(2))
            command = args[0].upper()
            if command in SKIPPED:
                continue
            if command == b'EVAL':  # a script's first call sends its text
                role = roles.get(hashlib.sha1(args[1]).hexdigest().encode(), b'?')
                loaded.add(role)
                args = [b'EVALSHA', role] + args[2:]
            elif command == b'EVALSHA':
                args[1] = roles.get(args[1].lower(), args[1])
                if args[1] not in loaded:
                    continue
            out.write(json.dumps([a.decode('latin-1') for a in args]) + '\n')
            kept += 1
    print(kept, 'commands')


if __name__ == '__main__':
    main(*sys.argv[1:5])
