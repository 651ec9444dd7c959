package io.switchboard.rules;

/** A rule or config file that cannot be used, with the place at fault: {@code file:line: reason}. */
public final class RuleFileException extends RuntimeException {
    private final String file;
    private final int line;

    public RuleFileException(String file, int line, String reason) {
        super(file + ":" + line + ": " + reason);
        this.file = file;
        this.line = line;
    }

    public String file() {
        return file;
    }

    /** 1-based line number; 0 when the whole file is at fault. */
    public int line() {
        return line;
    }
}
