package io.switchboard.simulator.agi;

import java.util.List;

/**
 * What a command handler returns: the reply line(s) for the script and res_agi's RESULT_* code, which
 * decides the AGIExecEnd {@code ResultCode}/{@code Result} and whether AGISTATUS becomes FAILURE.
 */
record CommandResult(Code code, List<String> reply) {

    enum Code {
        /** RESULT_SUCCESS: ResultCode 200, Result Success. */
        SUCCESS(200, "Success"),
        /** RESULT_FAILURE: ResultCode -1, Result Failure; the script goes on, AGISTATUS ends FAILURE. */
        FAILURE(-1, "Failure"),
        /** RESULT_SHOWUSAGE: ResultCode 520, Result Usage. */
        USAGE(520, "Usage"),
        /** Anything else a handler returned (EXEC's application result): ResultCode 200, Unknown Result. */
        OTHER(200, "Unknown Result");

        final int resultCode;
        final String text;

        Code(int resultCode, String text) {
            this.resultCode = resultCode;
            this.text = text;
        }
    }

    static CommandResult success(String reply) {
        return new CommandResult(Code.SUCCESS, List.of(reply));
    }

    static CommandResult failure(String reply) {
        return new CommandResult(Code.FAILURE, List.of(reply));
    }

    static CommandResult usage() {
        return new CommandResult(Code.USAGE, List.of());
    }

    /** success when {@code res >= 0}, failure otherwise: most media commands return this way. */
    static CommandResult bySign(int res, String reply) {
        return res >= 0 ? success(reply) : failure(reply);
    }
}
