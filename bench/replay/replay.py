#!/usr/bin/env python3
"""Replays a recorded command stream against a fresh Redis running the routing scripts given, and reports what it
cost Redis and a digest of every reply (the same digest = the same behaviour, reply for reply).

    python3 replay.py REDIS_SERVER lifecycles.jsonl ROUTER SLA [--reps N] [--callgrind OUT]

ROUTER and SLA are each a script file, run whole, or a directory of one script per command as the server runs
them (`java -cp server/target/switchboard.jar io.switchboard.store.redis.CommandScript router.lua DIR` writes it).

REDIS_SERVER is the binary the embedded default runs (unzip it from the embedded-redis jar). With --callgrind it
runs under valgrind's callgrind and prints the instructions Redis executed: a count that, unlike any timing on a
shared host, comes out the same from run to run (within 0.2 %), so two versions compare in one run each.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time


class Connection:
    def __init__(self, port):
        self.sock = socket.create_connection(('127.0.0.1', port))
        self.file = self.sock.makefile('rb')

    def send(self, *args):
        self.sock.sendall(encode(args))

    def read(self):
        line = self.file.readline()
        kind, rest = line[:1], line[1:-2]
        if kind in (b'+', b'-', b':'):
            return rest
        if kind == b'$':
            return None if int(rest) < 0 else self.file.read(int(rest) + 2)[:-2]
        if kind == b'*':
            return [self.read() for _ in range(max(int(rest), 0))]
        raise ValueError(line)

    def call(self, *args):
        self.send(*args)
        return self.read()


def encode(args):
    out = b'*%d\r\n' % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b'$%d\r\n%s\r\n' % (len(a), a)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('redis_server')
    parser.add_argument('stream')
    parser.add_argument('router')
    parser.add_argument('sla')
    parser.add_argument('--reps', type=int, default=1)
    parser.add_argument('--port', type=int, default=0, help='default: a free one')
    parser.add_argument('--callgrind')
    parser.add_argument('--replies', help='writes every reply, one a line, to this file (to diff two versions)')
    opts = parser.parse_args()

    if not opts.port:
        with socket.socket() as probe:
            probe.bind(('127.0.0.1', 0))
            opts.port = probe.getsockname()[1]
    data = tempfile.mkdtemp()
    # the embedded default's persistence: append-only file, fsync every second, rewrites at 4x and 256 MB
    command = [opts.redis_server, '--port', str(opts.port), '--dir', data, '--appendonly', 'yes', '--save', '',
               '--auto-aof-rewrite-min-size', '256mb', '--auto-aof-rewrite-percentage', '300']
    if opts.callgrind:
        command = ['valgrind', '--tool=callgrind', '--callgrind-out-file=' + opts.callgrind] + command
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        redis = connect(opts.port)
        if server.poll() is not None:  # it could not bind: whatever answered on that port is not ours
            raise SystemExit(f'redis-server exited ({server.returncode}); is port {opts.port} taken?')
        shas = {**load(redis, b'@ROUTER@', opts.router), **load(redis, b'@SLA@', opts.sla)}
        stream = [[a.encode('latin-1') for a in json.loads(line)] for line in open(opts.stream)]
        for rep in range(opts.reps):
            replay(redis, stream, shas, rep, opts.replies and open(f'{opts.replies}.{rep}', 'w'))
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(data)
    if opts.callgrind:
        totals = [l for l in open(opts.callgrind) if l.startswith('totals:')]
        print('instructions', int(totals[0].split()[1]))


def load(redis, role, path):
    """role -> SHA for a whole file; role + command -> SHA for a directory of one script per command."""
    if not os.path.isdir(path):
        return {role: redis.call('SCRIPT', 'LOAD', open(path, 'rb').read())}
    return {role + name[:-4].encode(): redis.call('SCRIPT', 'LOAD', open(os.path.join(path, name), 'rb').read())
            for name in os.listdir(path) if name.endswith('.lua')}


# where a call names its command: router.lua's ARGV[8], sla.lua's ARGV[6] (EVALSHA sha numkeys key ARGV...)
COMMAND_AT = {b'@ROUTER@': 11, b'@SLA@': 9}


def script(args, shas):
    """The SHA a recorded EVALSHA of a role runs: the role's file, or its command's script."""
    role = args[1]
    return shas.get(role) or shas[role + args[COMMAND_AT[role]]]


def connect(port):
    for _ in range(200):
        try:
            return Connection(port)
        except OSError:
            time.sleep(0.05)
    raise SystemExit('redis-server did not start')


def replay(redis, stream, shas, rep, replies=None):
    # each repetition under a key prefix of its own, so it starts from the same (empty) state
    def resolve(args):
        if args[0].upper() == b'EVALSHA' and args[1] in COMMAND_AT:
            args = [args[0], script(args, shas)] + args[2:]
        return [a.replace(b'{sb}', b'{sb%d}' % rep) for a in args]
    commands = [encode(resolve(args)) for args in stream]
    redis.call('CONFIG', 'RESETSTAT')
    cpu_before, start = main_thread_cpu(redis), time.time()
    digest, errors = hashlib.sha256(), 0
    for i in range(0, len(commands), 200):  # in windows, so that neither side's socket buffer fills up
        batch = commands[i:i + 200]
        redis.sock.sendall(b''.join(batch))
        for j in range(len(batch)):
            reply = redis.read()
            if stream[i + j][0].upper() == b'HGETALL' and isinstance(reply, list):
                # a hash table's fields come in an order set by the process's random hash seed
                reply = sorted(zip(reply[::2], reply[1::2]))
            if isinstance(reply, bytes) and reply.startswith((b'ERR', b'NOSCRIPT')):
                errors += 1
            digest.update(repr(reply).encode())
            if replies:
                replies.write(repr(reply) + '\n')
    wall, cpu = time.time() - start, main_thread_cpu(redis) - cpu_before
    if replies:
        replies.close()
    stats = redis.call('INFO', 'commandstats').decode()
    scripts = re.search(r'cmdstat_evalsha:calls=(\d+),usec=(\d+)', stats)
    inner = sum(int(n) for name, n in re.findall(r'cmdstat_(\w+):calls=(\d+)', stats)
                if name not in ('evalsha', 'config', 'info', 'script'))
    print(f'rep {rep}: {len(commands)} commands, scripts {int(scripts.group(2)) / 1e6:.3f} s, Redis main thread '
          f'{cpu:.3f} s CPU, {wall:.2f} s wall, {errors} errors, replies {digest.hexdigest()[:12]}, '
          f'{inner} commands run by scripts or sent directly')


def main_thread_cpu(redis):
    info = redis.call('INFO', 'cpu').decode()
    return sum(float(x) for x in re.findall(r'used_cpu_(?:sys|user)_main_thread:([0-9.]+)', info))


if __name__ == '__main__':
    main()
