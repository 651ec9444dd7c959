package io.switchboard.simulator.pbx;

/** A place in the dialplan: context, extension, priority. */
public record DialplanLocation(String context, String exten, int priority) {
    @Override
    public String toString() {
        return context + "," + exten + "," + priority;
    }
}
