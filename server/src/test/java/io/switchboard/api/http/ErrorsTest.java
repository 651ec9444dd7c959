package io.switchboard.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class ErrorsTest {
    /** A malformed body is told what is wrong and where, not the JSON parser's settings and class names. */
    @Test
    void aMalformedBodyIsToldWhatAndWhere() {
        DecodeException e = assertThrows(DecodeException.class, () -> new JsonObject("{\"channel\": chat}"));
        assertEquals("Unrecognized token 'chat': was expecting (JSON String, Number, Array, Object or token 'null', "
                + "'true' or 'false') (line 1, column 13)", Errors.decodeProblem(e.getMessage()));
    }
}
