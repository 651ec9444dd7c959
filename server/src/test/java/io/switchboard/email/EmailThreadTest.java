package io.switchboard.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmailThreadTest {

    @Test
    void theReplySubjectCarriesTheCaseTagExactlyOnce() {
        assertEquals("Re: Charged twice [#C-10001]", EmailThread.replySubject("Charged twice", "C-10001"));
        assertEquals("Re: Charged twice [#C-10001]", EmailThread.replySubject("RE: Aw: Charged twice", "C-10001"));
        assertEquals("Re: Charged twice [#C-10001]",
                EmailThread.replySubject("Re: Charged [#C-10001] twice [#C-10001]", "C-10001"));
        assertEquals("Re: Old case [#C-10002]", EmailThread.replySubject("Old case [#C-10001]", "C-10002"),
                "a stale tag of another case is replaced by the case the reply is on");
        assertEquals("Re: [#C-10001]", EmailThread.replySubject("", "C-10001"));
    }

    @Test
    void referencesRunOldestFirstEndWithTheAnsweredMessageAndKeepTheFirstWhenTrimmed() {
        assertEquals(List.of("m0@x", "m1@x", "m2@x"), EmailThread.references(List.of("m1@x", "m0@x"), "m2@x"));
        assertEquals(List.of("m2@x"), EmailThread.references(List.of(), "m2@x"));
        List<String> nearestFirst = new ArrayList<>();
        for (int i = 30; i >= 1; i--) {
            nearestFirst.add("m" + i + "@x");
        }
        List<String> trimmed = EmailThread.references(nearestFirst, "m31@x");
        assertEquals(EmailThread.MAX_REFERENCES, trimmed.size());
        assertEquals("m1@x", trimmed.get(0), "the thread's first message stays");
        assertEquals("m31@x", trimmed.get(trimmed.size() - 1));
        assertEquals("m13@x", trimmed.get(1), "then the newest ones");
    }

    @Test
    void ourMessageIdsAreInOurDomainAndUnique() {
        String a = EmailThread.newMessageId("Support@Switchboard.Example");
        assertTrue(a.endsWith("@switchboard.example"), a);
        assertTrue(!a.equals(EmailThread.newMessageId("support@switchboard.example")));
    }
}
