package io.switchboard.simulator.agi;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything one FastAGI session exchanged, in the layout of fastagi-session.txt: the environment block,
 * an empty line, then {@code >> command} / {@code << reply} lines ({@code << HANGUP} when Asterisk tells
 * the script the caller hung up). Thread-safe: the engine writes, tests read.
 */
public final class AgiTranscript {

    /** One command and the reply lines Asterisk sent for it. */
    public record Exchange(String command, List<String> reply) { }

    private final String channel;
    private final List<String> environment = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();
    private final List<Exchange> exchanges = new ArrayList<>();
    private boolean closed;

    AgiTranscript(String channel) {
        this.channel = channel;
    }

    public String channel() {
        return channel;
    }

    synchronized void environment(String line) {
        environment.add(line);
    }

    synchronized void command(String command) {
        lines.add(">> " + command);
        exchanges.add(new Exchange(command, new ArrayList<>()));
    }

    synchronized void reply(String reply) {
        lines.add("<< " + reply);
        if (!exchanges.isEmpty()) {
            exchanges.get(exchanges.size() - 1).reply().add(reply);
        }
    }

    /** A line Asterisk sent on its own (HANGUP). */
    synchronized void unsolicited(String line) {
        lines.add("<< " + line);
    }

    synchronized void closed() {
        closed = true;
        notifyAll();
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    public synchronized List<String> environment() {
        return List.copyOf(environment);
    }

    /** {@code >>} and {@code <<} lines in order. */
    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    public synchronized List<Exchange> exchanges() {
        return exchanges.stream().map(e -> new Exchange(e.command(), List.copyOf(e.reply()))).toList();
    }

    /** The transcript as fastagi-session.txt lays it out (without its comment line). */
    public synchronized String format() {
        StringBuilder sb = new StringBuilder();
        environment.forEach(l -> sb.append(l).append('\n'));
        sb.append('\n');
        lines.forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    /** Waits (real time) until the script closed the connection. */
    public synchronized boolean awaitClosed(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!closed) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    @Override
    public synchronized String toString() {
        return format();
    }
}
