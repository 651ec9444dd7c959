package io.switchboard.cases;

/** A note on a case: who wrote it (an agent id, or "staff"), when (epoch ms), and what. */
public record CaseNote(long at, String author, String text) {
    public CaseNote {
        author = Text.required(author, "note author", 64);
        text = Text.required(text, "text", 4000);
    }
}
