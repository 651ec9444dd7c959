#!/usr/bin/env python3
"""Turns a `redis-cli monitor` capture into a replay file (one JSON array of strings per line).

Keeps the commands clients sent (not those scripts ran), drops the capture's own and the connection set-up, and
names the two routing scripts by role (@ROUTER@, @SLA@) instead of by SHA, so that a replay can load other versions
of them. The server runs one script per command of each (CommandScript); which file a call ran is told by its key.

    python3 monitor_to_replay.py capture.mon lifecycles.jsonl
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


def role(args):
    """router.lua is called with the agents key, sla.lua with the SLA wheel's slots (RedisKeys)."""
    key = args[3] if len(args) > 3 else b''
    return b'@ROUTER@' if key.endswith(b':agents') else b'@SLA@' if key.endswith(b':sla:slots') else b'?'


def main(capture, output):
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
            if command in (b'EVAL', b'EVALSHA'):
                if command == b'EVAL':  # a script's first call sends its text
                    loaded.add(hashlib.sha1(args[1]).hexdigest().encode())
                elif args[1].lower() not in loaded:
                    continue  # NOSCRIPT: sent again as EVAL
                if role(args) == b'?':
                    continue  # another script (the KPI roll-up): a replay runs the routing scripts only
                args = [b'EVALSHA', role(args)] + args[2:]
            out.write(json.dumps([a.decode('latin-1') for a in args]) + '\n')
            kept += 1
    print(kept, 'commands')


if __name__ == '__main__':
    main(*sys.argv[1:3])
